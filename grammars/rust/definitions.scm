; Definitions in Rust. A trait impl captures both the trait and the type as @name, so it reads `Display for Matrix`.
(struct_item name: (type_identifier) @name) @definition.struct
(union_item name: (type_identifier) @name) @definition.struct
(enum_item name: (type_identifier) @name) @definition.enum
(trait_item name: (type_identifier) @name) @definition.trait
(impl_item !trait type: (_) @name) @definition.impl
(impl_item trait: (_) @name type: (_) @name) @definition.impl
(mod_item name: (identifier) @name body: (declaration_list)) @definition.module
(function_item name: (identifier) @name) @definition.function
(macro_definition name: (identifier) @name) @definition.function
