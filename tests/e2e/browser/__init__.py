"""Real-browser tests: Debian's Chromium through Playwright, axe-core, screenshots."""
