"""What every test may import, wherever it lives: ``from tests.support import eventually``."""

from tests.support.polling import eventually

__all__ = ["eventually"]
