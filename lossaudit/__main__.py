"""python -m lossaudit: the same as the `lossaudit` command."""
from .cli import main

if __name__ == "__main__":
    main()
