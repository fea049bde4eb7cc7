"""readme-tagger: tag repositories from a fixed vocabulary by reading their README."""

__version__ = "0.1.0"
