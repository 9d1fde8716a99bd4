"""The Gradio app (see ui.app.build_app)."""
