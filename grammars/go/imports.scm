; Go imports. @name is the explicit package alias when there is one; otherwise the caller takes the path's last segment.
(import_spec name: (_) @name path: (interpreted_string_literal) @source) @import
(import_spec !name path: (interpreted_string_literal) @source) @import
