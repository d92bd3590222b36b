import { Extension, InputRule } from '@tiptap/core';

/**
 * Markdown's "- [ ] " makes a checklist. "- " has already made a bulleted list by the time
 * "[ ] " is typed, and Tiptap's own checklist rule only starts one outside lists, so this
 * rule turns the bulleted item into a checklist item ("[x] " ticks it).
 */
export const TaskListShortcut = Extension.create({
  name: 'inkwellTaskListShortcut',
  addInputRules() {
    return [
      new InputRule({
        find: /^\s*\[([ xX])?\]\s$/,
        handler: ({ range, match, chain }) => {
          if (!this.editor.isActive('bulletList')) return null;
          chain()
            .deleteRange(range)
            .toggleTaskList()
            .updateAttributes('taskItem', { checked: match[1]?.toLowerCase() === 'x' })
            .run();
          return undefined;
        },
      }),
    ];
  },
});
