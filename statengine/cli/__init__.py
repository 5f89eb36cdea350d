"""The command-line edge of statengine: ``statengine <command>``.

:mod:`statengine.cli.main` parses arguments, runs the commands and turns
errors into messages and exit statuses; :mod:`statengine.cli.render` turns
the values a command gathered into rich tables or JSON.
"""

from statengine.cli.main import main

__all__ = ["main"]
