; Python imports. @import: the statement, @name: a name it binds, @source: the module.

; import a.b  /  import a.b as c
(import_statement name: (dotted_name) @name @source) @import
(import_statement name: (aliased_import name: (dotted_name) @source alias: (identifier) @name)) @import

; from m import a  /  from m import a as b  /  from m import *
(import_from_statement module_name: (_) @source name: (dotted_name) @name) @import
(import_from_statement module_name: (_) @source name: (aliased_import alias: (identifier) @name)) @import
(import_from_statement module_name: (_) @source (wildcard_import) @name) @import
