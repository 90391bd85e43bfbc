#ifndef CNCURSES_SHIM_H
#define CNCURSES_SHIM_H
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <ncursesw/curses.h>
#include <locale.h>

/* Swift 6 rejects the C global `stdscr`, and the A_* macros do not import. */
static inline WINDOW *cn_stdscr(void) { return stdscr; }
#endif
