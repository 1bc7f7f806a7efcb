"""What every test may import, wherever it lives: ``from tests.support import eventually``."""

from tests.support.database import rows_per_table
from tests.support.polling import eventually
from tests.support.processes import until_ready

__all__ = ["eventually", "rows_per_table", "until_ready"]
