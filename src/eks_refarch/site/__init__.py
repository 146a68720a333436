"""The site's build-time code: it puts values from the design model into the pages."""
