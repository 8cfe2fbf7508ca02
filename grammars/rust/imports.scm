; Rust `use` declarations. @name: a name brought into scope (`*` for globs), @source: the path it comes from.
(use_declaration argument: (identifier) @name) @import
(use_declaration argument: (scoped_identifier path: (_) @source name: (identifier) @name)) @import
(use_declaration argument: (use_as_clause path: (_) @source alias: (identifier) @name)) @import
(use_declaration argument: (use_wildcard (_) @source "*" @name)) @import
(use_declaration argument: (scoped_use_list path: (_) @source list: (use_list (identifier) @name))) @import
(use_declaration argument: (scoped_use_list path: (_) @source list: (use_list (scoped_identifier name: (identifier) @name)))) @import
(use_declaration argument: (scoped_use_list path: (_) @source list: (use_list (use_as_clause alias: (identifier) @name)))) @import
(use_declaration argument: (use_list (identifier) @name)) @import
; `use std::io::{self, ...}` binds `io`.
(use_declaration argument: (scoped_use_list path: (scoped_identifier name: (identifier) @name) @source list: (use_list (self)))) @import
(use_declaration argument: (scoped_use_list path: (identifier) @name @source list: (use_list (self)))) @import
