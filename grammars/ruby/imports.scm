; Ruby requires. @source: the required path; the caller names it after the path's last segment.
((call
  method: (identifier) @_method
  arguments: (argument_list . (string (string_content) @source))) @import
  (#any-of? @_method "require" "require_relative" "load"))
