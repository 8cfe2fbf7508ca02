; Sourced scripts. @source: the path argument; the caller names it after the path's last segment.
((command
  name: (command_name (word) @_command)
  .
  argument: (_) @source) @import
  (#any-of? @_command "source" "."))
