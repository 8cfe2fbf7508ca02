; Definitions in JavaScript (also .jsx, .mjs, .cjs).
; Captures: @definition.<kind> on the whole definition, @name on its name.

(class_declaration name: (_) @name) @definition.class
(function_declaration name: (_) @name) @definition.function
(generator_function_declaration name: (_) @name) @definition.function
(method_definition name: (_) @name) @definition.method

; `const f = () => {}` and `const f = function () {}` define functions too.
(lexical_declaration
  (variable_declarator
    name: (identifier) @name
    value: [(arrow_function) (function_expression) (generator_function) (class)])) @definition.function
(variable_declaration
  (variable_declarator
    name: (identifier) @name
    value: [(arrow_function) (function_expression) (generator_function) (class)])) @definition.function
