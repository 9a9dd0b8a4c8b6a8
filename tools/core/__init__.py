"""Core tools: files in the job workspace, Markdown rendering, pauses."""
