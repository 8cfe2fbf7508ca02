; ES module imports and CommonJS requires. @import: the statement, @name: a name it binds, @source: the module.

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

; const x = require("y")
((lexical_declaration
  (variable_declarator
    name: (identifier) @name
    value: (call_expression
      function: (identifier) @_require
      arguments: (arguments . (string (string_fragment) @source))))) @import
  (#eq? @_require "require"))

; const { a, b: c } = require("y")
((lexical_declaration
  (variable_declarator
    name: (object_pattern
      [(shorthand_property_identifier_pattern) @name
       (pair_pattern value: (identifier) @name)])
    value: (call_expression
      function: (identifier) @_require
      arguments: (arguments . (string (string_fragment) @source))))) @import
  (#eq? @_require "require"))
