import { Extension } from '@tiptap/core';

/** `Ctrl/⌘+K` opens the link popover (the React side decides what that means). */
export const LinkShortcut = Extension.create<{ onOpen: () => void }>({
  name: 'inkwellLinkShortcut',
  addOptions: () => ({ onOpen: () => {} }),
  addKeyboardShortcuts() {
    return {
      'Mod-k': () => {
        this.options.onOpen();
        return true;
      },
    };
  },
});
