"""``python -m statengine``: the ``statengine`` command."""

from statengine.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
