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
    ).set(button_primary_background_fill="#1d4ed8", button_primary_background_fill_hover="#1e40af",
          button_primary_text_color="#ffffff")  # fmt: skip


CSS = """
:root { --kr-muted: #475569; --kr-accent: #1e40af; }
.dark { --kr-muted: #cbd5e1; --kr-accent: #93c5fd; }
/* Gradio's container hides overflow, which makes it a scroll container: the document's sticky
   header would stick to it, not to the screen. `clip` cuts the same without scrolling. */
.gradio-container { overflow: clip !important; }
#kr-tabs [role=tab].selected { color: var(--kr-accent); }
#kr-header h1 { font-size: 1.6em; margin: 0 0 0.1em 0; }
#kr-main > div, #kr-left, #kr-side { min-width: 0; }
.kr-answer, .kr-user, .kr-error, .kr-source, .kr-doc, .kr-timeline, #kr-chat .placeholder {
  overflow-wrap: anywhere; word-break: normal; }
.kr-answer p, .kr-user p, .kr-error p { margin: 0.25em 0; }
#kr-chat .placeholder { padding: 1em 1.4em; text-align: left; max-width: 46em; }
/* Gradio marks the chat "Error" when Stop cancels the answer under way; the handlers show every
   real error in the chat itself (and Gradio's own failures still come as a toast) */
#kr-chat .clear-status, #kr-chat span.error { display: none !important; }
:is(button, a, summary, [tabindex]):focus-visible { outline: 3px solid var(--kr-accent) !important;
  outline-offset: 2px; }
.kr-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }
.kr-badge { display: inline-block; font-weight: 600; font-size: 0.85em; padding: 0.05em 0.7em;
  border-radius: 1em; background: #dcfce7; color: #14532d; }
.kr-badge-partial { background: #fef3c7; color: #713f12; }
.kr-badge-not_found { background: #e2e8f0; color: #1e293b; }
.kr-understood, .kr-chips, .kr-note, .kr-meta, .kr-empty, .kr-hint, .kr-tl-head {
  color: var(--kr-muted) !important; }
.kr-understood, .kr-note { font-size: 0.9em; }
.kr-chip { display: inline-block; border: 1px solid #64748b; border-radius: 1em; padding: 0 0.6em;
  margin: 0 0.3em 0.2em 0; font-size: 0.85em; }
.kr-chips-label { margin-right: 0.4em; font-size: 0.85em; }
.kr-cite { position: relative; display: inline; border: 1px solid var(--kr-accent); border-radius: 0.5em;
  background: transparent; color: var(--kr-accent); font-size: 0.8em; font-weight: 600; padding: 0 0.4em;
  margin-left: 0.2em; cursor: pointer; white-space: nowrap; }
.kr-cite:hover { text-decoration: underline; }
.kr-cite:is(:hover, :focus-visible)::after { content: attr(title); position: absolute; left: 0; top: 1.7em;
  z-index: 20; width: max-content; max-width: min(26em, 80vw); white-space: normal; text-align: left;
  background: #0f172a; color: #f8fafc; font-weight: 400; padding: 0.3em 0.6em; border-radius: 0.4em; }
.kr-mt { margin: 0 0 0.5em 1em !important; font-size: 0.9em; color: var(--kr-muted); }
.kr-mt-label { font-weight: 600; font-style: italic; margin-right: 0.3em; }
mark.kr-quote { background: #fde68a; color: #111827; padding: 0 0.1em; border-radius: 2px; }
.dark mark.kr-quote { background: #fcd34d; color: #0f172a; }
mark.kr-current { outline: 3px solid #b45309; }
.kr-progress { display: flex; gap: 0.6em; align-items: center; min-height: 1.6em; color: var(--kr-muted);
  font-size: 0.95em; }
.kr-spinner { width: 1em; height: 1em; border: 3px solid #cbd5e1; border-top-color: var(--kr-accent);
  border-radius: 50%; animation: kr-spin 0.8s linear infinite; }
@keyframes kr-spin { to { transform: rotate(360deg); } }
@media (prefers-reduced-motion: reduce) { .kr-spinner { animation-duration: 3s; } }
.kr-error { border-left: 4px solid #b91c1c; background: #fef2f2; color: #7f1d1d; padding: 0.4em 0.8em;
  border-radius: 4px; }
.dark .kr-error { background: #450a0a; color: #fecaca; }
.kr-error-head { font-weight: 700; }
#kr-live-region { min-height: 1.2em; font-size: 0.9em; color: var(--kr-muted); }
#kr-live-region:empty { display: none; }
#kr-live-region.kr-busy { color: #7f1d1d; font-weight: 600; }
.kr-sources .kr-related { font-weight: 600; }
.kr-source { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 0.6em 0.8em;
  margin: 0 0 0.7em 0; background: var(--block-background-fill); transition: box-shadow 0.3s; }
.kr-source.kr-flash, .kr-statement.kr-flash { box-shadow: 0 0 0 3px var(--kr-accent); }
.kr-source header { font-weight: 600; }
.kr-same { font-weight: 500; font-style: italic; color: var(--kr-muted); }
.kr-n { color: var(--kr-accent); margin-right: 0.2em; }
.kr-meta { font-size: 0.85em; margin: 0.15em 0; }
.kr-asked { font-size: 0.9em; margin: 0.35em 0; }
.kr-asked summary { cursor: pointer; }
.kr-hint { margin-left: 0.3em; font-size: 0.9em; }
.kr-label { font-weight: 600; margin-right: 0.4em; }
.kr-question { font-style: italic; display: block; margin-top: 0.3em; }
.kr-passage { margin: 0.45em 0; padding: 0 0 0 0.7em; border-left: 3px solid var(--border-color-primary);
  font-size: 0.92em; line-height: 1.45; white-space: pre-wrap; }
.kr-actions, .kr-doc-nav { display: flex; flex-wrap: wrap; gap: 0.6em; align-items: center;
  font-size: 0.9em; }
.kr-open, .kr-doc-nav button { border: 1px solid var(--button-secondary-border-color); border-radius: 6px;
  font-size: 0.9em; font-weight: 500; background: var(--button-secondary-background-fill);
  color: var(--body-text-color); padding: 0.2em 0.7em; cursor: pointer; min-height: 2em; }
.kr-open:hover, .kr-doc-nav button:hover { background: var(--button-secondary-background-fill-hover); }
.kr-link { color: var(--kr-accent); }
.kr-footnotes { font-size: 0.8em; margin: 0.3em 0 0.5em 0; }
.kr-footnotes p { margin: 0.1em 0; }
.kr-doc:not(.kr-empty) { max-height: 78vh; overflow-y: auto; }
.kr-doc-head { position: sticky; top: 0; z-index: 5; background: var(--background-fill-primary);
  padding: 0.3em 0 0.5em 0; border-bottom: 1px solid var(--border-color-primary); }
.kr-doc-head h3 { margin: 0 0 0.2em 0; font-size: 1.05em; }
.kr-doc-text { font-size: 0.92em; line-height: 1.5; margin-top: 0.8em; white-space: pre-wrap; }
.kr-focus { background: rgba(253, 230, 138, 0.35); box-decoration-break: clone;
  -webkit-box-decoration-break: clone; }
.dark .kr-focus { background: rgba(147, 197, 253, 0.16); }
.kr-timeline ol { list-style: none; padding: 0; margin: 0; }
.kr-tl-date h4 { margin: 0.9em 0 0.3em 0; font-size: 1em; }
.kr-statement { border-left: 3px solid var(--kr-accent); padding: 0.1em 0 0.3em 0.7em; margin-bottom: 0.6em; }
.kr-statement blockquote { margin: 0; }
.kr-statement blockquote p { margin: 0.1em 0; }
.kr-plot { width: 100%; height: auto; background: #ffffff; border-radius: 6px; }
#kr-copy.kr-copied { border-color: #15803d; color: #14532d; }
@media (max-width: 768px) {
  #kr-chat { height: auto !important; max-height: none !important; min-height: 0 !important; }
  #kr-chat > div, #kr-chat .bubble-wrap, #kr-chat [role=log] { height: auto !important;
    max-height: none !important; overflow: visible !important; }
  .kr-doc:not(.kr-empty) { max-height: none; overflow: visible; }
  #kr-chat .placeholder ul { display: none; }
  .kr-cite { white-space: normal; }
  #kr-answer-actions { flex-wrap: nowrap; gap: 0.4em; }
  #kr-answer-actions button { min-width: 0; padding-left: 0.3em; padding-right: 0.3em; }
}
"""

# Delegated, so it survives every re-render of the panel: a source's button (or a citation
# of the answer, sent here by PAGE_JS as a "kr-open" event) asks the server for its document.
SOURCES_JS = """
element.addEventListener('click', (event) => {
  const button = event.target.closest('[data-source]');
  if (button) trigger('click', {source: button.dataset.source});
});
element.addEventListener('kr-open', (event) => trigger('click', {source: event.detail}));
"""

# The document view's own buttons: back to the card it was opened from, previous / next quote.
DOCUMENT_JS = """
let current = -1;
const tabButton = (i) => document.querySelectorAll('#kr-tabs [role=tab]')[i];
const go = (step) => {
  const marks = [...element.querySelectorAll('mark.kr-quote')];
  if (!marks.length) return;
  current = (current + step + marks.length) % marks.length;
  marks.forEach((m) => m.classList.remove('kr-current'));
  marks[current].classList.add('kr-current');
  marks[current].scrollIntoView({block: 'center'});
  const where = element.querySelector('.kr-position');
  if (where) where.textContent = (current + 1) + ' / ' + marks.length;
};
element.addEventListener('click', (event) => {
  if (event.target.closest('.kr-prev')) go(-1);
  if (event.target.closest('.kr-next')) go(1);
  if (!event.target.closest('.kr-back')) return;
  const key = element.querySelector('.kr-doc')?.dataset.source || '';
  const timeline = key.startsWith('t');
  tabButton(timeline ? 2 : 0)?.click();
  setTimeout(() => {
    const id = timeline ? 'kr-statement-' + key.slice(1) : 'kr-source-' + key;
    const target = document.getElementById(id);
    if (!target) return;
    target.setAttribute('tabindex', '-1');
    target.scrollIntoView({block: 'start'});
    target.focus({preventScroll: true});
    target.classList.add('kr-flash');
    setTimeout(() => target.classList.remove('kr-flash'), 1500);
  }, 150);
});
watch('value', () => { current = -1; });
"""

# After a source was opened: the passage in view (below the sticky header), keyboard focus on
# the document's title so that Tab continues there.
SCROLL_TO_FOCUS_JS = """() => {
  setTimeout(() => {
    const focus = document.querySelector('#kr-document #kr-focus');
    const title = document.querySelector('#kr-document .kr-doc-head h3');
    if (title) { title.setAttribute('tabindex', '-1'); title.focus({preventScroll: true}); }
    if (focus) focus.scrollIntoView({block: 'center'});
  }, 150);
}"""

# After an answer: empty the question box, unless the user has typed something else meanwhile.
CLEAR_IF_ANSWERED_JS = """(done, current) => {
  const typed = (current || '').split(/\\s+/).join(' ').trim();
  return done && typed === done ? '' : current;
}"""

_NOTICE = """
const notice = (key, busy) => {
  const region = document.querySelector('#kr-live-region');
  if (!region) return;
  region.textContent = region.dataset[key] || '';
  region.classList.toggle('kr-busy', !!busy);
  clearTimeout(window.__krNotice);
  window.__krNotice = setTimeout(() => {
    region.textContent = '';
    region.classList.remove('kr-busy');
  }, 6000);
};
"""

# Copy the Markdown answer; without a secure context (plain http on a LAN address) the
# clipboard API is missing, so fall back to a selected textarea.
COPY_JS = (
    "(markdown) => {"
    + _NOTICE
    + """
  const done = () => {
    const button = document.querySelector('#kr-copy');
    if (button) button.classList.add('kr-copied');
    setTimeout(() => button && button.classList.remove('kr-copied'), 2500);
    notice('copiedDone');
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
}"""
)

# Download the self-contained HTML export (made on the server, kept in a hidden textbox):
# a Blob, so that no file route of the server is needed.
EXPORT_JS = (
    "(page) => {"
    + _NOTICE
    + """
  if (!page) return [];
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([page], {type: 'text/html;charset=utf-8'}));
  link.download = 'kabinet-rag-antwoord.html';
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  notice('exportedDone');
  return [];
}"""
)

# A citation of any answer opens its source (an older answer's through the server); Enter in
# the question box while an answer is under way says why nothing happens.
PAGE_JS = (
    "() => {"
    + _NOTICE
    + """
  const number = (element, prefix) => {
    const name = [...element.classList].find((c) => c.startsWith(prefix) && c !== prefix);
    return name ? name.slice(prefix.length) : null;
  };
  document.addEventListener('click', (event) => {
    const mark = event.target.closest ? event.target.closest('.kr-cite') : null;
    const answer = mark ? mark.closest('.kr-answer') : null;
    const panel = document.querySelector('#kr-sources-panel .kr-sources');
    if (!answer || !panel) return;
    event.preventDefault();
    const id = number(answer, 'kr-answer-'), n = number(mark, 'kr-cite-');
    const button = panel.dataset.answer === id && panel.querySelector('[data-source="c' + n + '"]');
    if (button) button.click();
    else panel.dispatchEvent(new CustomEvent('kr-open', {detail: id + ':c' + n, bubbles: true}));
  });
  // Busy from the press on: the button is disabled only once the server has answered the
  // press, and a second press in between would be dropped without a word.
  const replies = () => document.querySelectorAll('#kr-chat .kr-answer, #kr-chat .kr-error').length;
  let pressed = null;
  const busy = () => {
    const ask = document.querySelector('#kr-ask');
    const waiting = pressed && replies() === pressed.replies && Date.now() - pressed.at < 3000;
    return (ask && ask.disabled) || waiting;
  };
  const press = (event) => {
    if (busy()) { notice('busy', true); return; }
    const box = document.querySelector('#kr-question textarea');
    if (box && box.value.trim()) pressed = {at: Date.now(), replies: replies()};
  };
  document.addEventListener('keydown', (event) => {
    const box = event.target.closest ? event.target.closest('#kr-question') : null;
    if (box && event.key === 'Enter' && !event.shiftKey) press(event);
  }, true);
  document.addEventListener('click', (event) => {
    if (event.target.closest && event.target.closest('#kr-ask')) press(event);
    if (event.target.closest && event.target.closest('#kr-stop')) pressed = null;  // ask again at once
  }, true);
  // Esc stops the answer under way, wherever the focus is
  document.addEventListener('keydown', (event) => {
    const stop = document.querySelector('#kr-stop');
    if (event.key !== 'Escape' || !stop || stop.offsetParent === null) return;
    event.preventDefault();
    stop.click();
  }, true);
}"""
)
