"""The app's theme, style sheet and the few lines of browser script it needs."""

from __future__ import annotations

import gradio as gr

# System fonts only: the default theme would fetch fonts from Google on every page load.
FONTS = ("system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif")
MONO_FONTS = ("ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace")


def theme() -> gr.themes.Base:
    """A calm theme with system fonts (nothing loaded from outside the app)."""
    return gr.themes.Default(
        primary_hue="blue", neutral_hue="slate", font=list(FONTS), font_mono=list(MONO_FONTS)
    )


CSS = """
#kr-header h2 { margin-bottom: 0.1em; }
#kr-chat .placeholder { padding: 1em 1.8em; text-align: left; max-width: 46em; }
.kr-answer p, .kr-user p, .kr-status p, .kr-error p { margin: 0.2em 0; }
.kr-status { color: var(--body-text-color-subdued); font-style: italic; }
.kr-error { color: var(--error-text-color); }
.kr-note { color: var(--body-text-color-subdued); font-size: 0.9em; }
.kr-cite { color: var(--color-accent); font-weight: 700; cursor: pointer; margin-left: 0.15em; }
.kr-cite:hover { text-decoration: underline; }
.kr-typing { animation: kr-blink 1s step-start infinite; }
@keyframes kr-blink { 50% { opacity: 0; } }
mark.kr-quote { background: #ffe27a; color: #1a1a1a; padding: 0 0.1em; border-radius: 2px; }
.kr-sources .kr-related { font-weight: 600; }
.kr-source { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 0.6em 0.8em;
  margin: 0 0 0.7em 0; background: var(--block-background-fill); transition: box-shadow 0.3s; }
.kr-source.kr-flash { box-shadow: 0 0 0 3px var(--color-accent); }
.kr-source header { font-weight: 600; }
.kr-n { color: var(--color-accent); margin-right: 0.2em; }
.kr-meta { color: var(--body-text-color-subdued); font-size: 0.85em; margin: 0.15em 0; }
.kr-asked { font-size: 0.9em; margin: 0.35em 0; }
.kr-label { font-weight: 600; margin-right: 0.4em; }
.kr-question { font-style: italic; }
.kr-passage { margin: 0.45em 0; padding: 0 0 0 0.7em; border-left: 3px solid var(--border-color-primary);
  font-size: 0.92em; line-height: 1.45; }
.kr-actions { display: flex; gap: 1em; align-items: center; font-size: 0.9em; }
.kr-open { border: 1px solid var(--button-secondary-border-color); border-radius: 6px; font-size: 0.85em;
  font-weight: 500; background: var(--button-secondary-background-fill); padding: 0.15em 0.7em;
  cursor: pointer; }
.kr-open:hover { background: var(--button-secondary-background-fill-hover); }
.kr-link { color: var(--link-text-color); }
.kr-footnotes { font-size: 0.8em; margin: 0.3em 0 0.5em 0; }
.kr-footnotes p { margin: 0.1em 0; }
.kr-doc-head h3 { margin: 0 0 0.2em 0; }
.kr-doc-text { font-size: 0.92em; line-height: 1.5; margin-top: 0.8em; }
.kr-focus { background: rgba(255, 226, 122, 0.3); box-decoration-break: clone;
  -webkit-box-decoration-break: clone; }
.kr-empty { color: var(--body-text-color-subdued); }
#kr-copy.kr-copied::after { content: " ✓"; }
"""

# Delegated, so it survives every re-render of the panel: a source's button asks the server
# to show its document.
SOURCES_JS = """
element.addEventListener('click', (event) => {
  const button = event.target.closest('[data-source]');
  if (button) trigger('click', {source: button.dataset.source});
});
"""

_SCROLL = """
setTimeout(() => {
  const focus = document.querySelector('#kr-document #kr-focus');
  if (focus) focus.scrollIntoView({block: 'center'});
}, 150);
"""
DOCUMENT_JS = f"watch('value', () => {{ {_SCROLL} }});"
SCROLL_TO_FOCUS_JS = f"() => {{ {_SCROLL} }}"

# Copy the Markdown answer; without a secure context (plain http on a LAN address) the
# clipboard API is missing, so fall back to a selected textarea.
COPY_JS = """
(markdown) => {
  const done = () => {
    const button = document.querySelector('#kr-copy');
    if (!button) return;
    button.classList.add('kr-copied');
    setTimeout(() => button.classList.remove('kr-copied'), 1500);
  };
  if (!markdown) return [];
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(markdown).then(done, () => {});
  } else {
    const area = document.createElement('textarea');
    area.value = markdown;
    document.body.appendChild(area);
    area.select();
    document.execCommand('copy');
    area.remove();
    done();
  }
  return [];
}
"""

# A citation mark of the newest answer opens its source in the document view.
PAGE_JS = """
() => {
  const number = (element, prefix) => {
    const name = [...element.classList].find((c) => c.startsWith(prefix));
    return name ? name.slice(prefix.length) : null;
  };
  document.addEventListener('click', (event) => {
    const mark = event.target.closest ? event.target.closest('.kr-cite') : null;
    const answer = mark ? mark.closest('.kr-answer') : null;
    const panel = document.querySelector('#kr-sources-panel .kr-sources');
    if (!answer || !panel || number(answer, 'kr-answer-') !== panel.dataset.answer) return;
    const button = panel.querySelector('[data-source="c' + number(mark, 'kr-cite-') + '"]');
    if (button) button.click();
  });
}
"""
