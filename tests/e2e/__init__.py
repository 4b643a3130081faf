"""Real-browser tests: Playwright for Python driving Debian's Chromium, with axe-core."""
