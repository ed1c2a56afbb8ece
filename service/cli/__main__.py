"""`python -m service.cli …` is `disputes …`."""

from service.cli import main

main()
