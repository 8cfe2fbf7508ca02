// A to-do list kept in memory: add, complete and list items.

export interface Todo {
  id: number;
  title: string;
  done: boolean;
}

export class TodoList {
  private readonly items: Todo[] = [];
  private nextId = 1;

  add(title: string): Todo {
    const todo = { id: this.nextId++, title, done: false };
    this.items.push(todo);
    return todo;
  }

  complete(id: number): boolean {
    const todo = this.items.find((item) => item.id === id);
    if (!todo) return false;
    todo.done = true;
    return true;
  }

  pending(): Todo[] {
    return this.items.filter((item) => !item.done);
  }
}
