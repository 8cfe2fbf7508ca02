; PHP `use` declarations. @name: the alias or the imported name, @source: the qualified name.
(namespace_use_declaration (namespace_use_clause [(name) (qualified_name)] @source alias: (name) @name)) @import
(namespace_use_declaration (namespace_use_clause !alias (name) @name @source)) @import
(namespace_use_declaration (namespace_use_clause !alias (qualified_name (name) @name) @source)) @import
