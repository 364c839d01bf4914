"""The engine, site-agnostic: flows read as the site's words, pages and tabs, site messages,
interruptions, actions, hand-overs, retries, the overlay and the browser.
"""
