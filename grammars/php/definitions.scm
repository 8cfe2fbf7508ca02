; Definitions in PHP. Only braced namespaces are modules; `namespace X;` has no body to chunk.
(class_declaration name: (name) @name) @definition.class
(interface_declaration name: (name) @name) @definition.interface
(trait_declaration name: (name) @name) @definition.trait
(enum_declaration name: (name) @name) @definition.enum
(namespace_definition name: (_) @name body: (compound_statement)) @definition.module
(function_definition name: (name) @name) @definition.function
(method_declaration name: (name) @name) @definition.method
