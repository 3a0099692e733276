"""Rendering results for people: terminal tables now, HTML reports later."""
