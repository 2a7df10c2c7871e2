"""The exit codes of `modelcost`: every subcommand returns one."""

EXIT_OK, EXIT_ERROR, EXIT_BAD_QUERY = 0, 1, 2
