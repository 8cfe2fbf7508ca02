; Import statements in TypeScript and TSX. @import: the statement, @name: a name it binds, @source: the module.

(import_statement
  (import_clause (identifier) @name)
  source: (string (string_fragment) @source)) @import

(import_statement
  (import_clause (namespace_import (identifier) @name))
  source: (string (string_fragment) @source)) @import

(import_statement
  (import_clause (named_imports (import_specifier alias: (identifier) @name)))
  source: (string (string_fragment) @source)) @import

(import_statement
  (import_clause (named_imports (import_specifier !alias name: (identifier) @name)))
  source: (string (string_fragment) @source)) @import

; `import x = require("y")`
(import_statement
  (import_require_clause (identifier) @name source: (string (string_fragment) @source))) @import
