"""A build script's command line from subcommand registrations (plan-marshall's ``_build_cli``).

``build_main(description, registrars)`` builds an argparse parser, lets every registration add
its subcommand (``gradle._register_find_project``: the library's option table converted by
``_planbuild.add_subcommand``), reads ``sys.argv`` and runs the chosen subcommand through
libplanbuild, as the script itself would; returns the exit code. No rule lives here: what a
subcommand takes and answers is the library's.
"""

import argparse
import sys


def build_main(description, registrars, argv=None):
    parser = argparse.ArgumentParser(description=description, allow_abbrev=False)
    subparsers = parser.add_subparsers(dest='command', required=True)
    for register in registrars:
        register(subparsers)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    return args.func(args)
