"""What runs inside the user's process: runs, config, summary, the writer, resume, the read API."""
