; Definitions in Bash: shell functions, in both `f() {}` and `function f {}` forms.
(function_definition name: (word) @name) @definition.function
