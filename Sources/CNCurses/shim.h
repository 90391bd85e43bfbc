#ifndef CNCURSES_SHIM_H
#define CNCURSES_SHIM_H
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <ncursesw/curses.h>
#include <locale.h>
#include <langinfo.h>
#include <wchar.h>
#include <signal.h>
#include <string.h>
#include <stdlib.h>
#include <stdio.h>

/* Swift 6 rejects the C globals (stdscr, COLORS, COLOR_PAIRS), and the A_*, COLOR_PAIR and
 * mouse-mask macros are function-like or computed, so they do not import: wrap them here. */
static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline int cn_colors(void) { return COLORS; }
static inline int cn_color_pairs(void) { return COLOR_PAIRS; }
static inline int cn_lines(void) { return getmaxy(stdscr); }
static inline int cn_cols(void) { return getmaxx(stdscr); }

static inline attr_t cn_a_normal(void) { return A_NORMAL; }
static inline attr_t cn_a_bold(void) { return A_BOLD; }
static inline attr_t cn_a_dim(void) { return A_DIM; }
static inline attr_t cn_a_italic(void) { return A_ITALIC; }
static inline attr_t cn_a_underline(void) { return A_UNDERLINE; }
static inline attr_t cn_a_reverse(void) { return A_REVERSE; }

static inline int cn_key_code_yes(void) { return KEY_CODE_YES; }
static inline int cn_key_f(int n) { return KEY_F(n); }

static inline mmask_t cn_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t cn_button1_released(void) { return BUTTON1_RELEASED; }
static inline mmask_t cn_button1_clicked(void) { return BUTTON1_CLICKED; }
static inline mmask_t cn_button4_pressed(void) { return BUTTON4_PRESSED; }
#ifdef BUTTON5_PRESSED
static inline mmask_t cn_button5_pressed(void) { return BUTTON5_PRESSED; }
#else
static inline mmask_t cn_button5_pressed(void) { return 0; }
#endif

/* "UTF-8" when the current locale's codeset is UTF-8 (call after setlocale). */
static inline int cn_locale_is_utf8(void) {
    const char *cs = nl_langinfo(CODESET);
    return cs != 0 && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

/* Writes `n` wide characters at (y, x) with attributes and colour pair. */
static inline int cn_put_wstr(WINDOW *w, int y, int x, const wchar_t *s, int n, attr_t attrs, short pair) {
    wattr_set(w, attrs, pair, 0);
    return mvwaddnwstr(w, y, x, s, n);
}

/* Writes one grapheme (base character plus combining characters, at most CCHARW_MAX) at (y, x). */
static inline int cn_put_cchar(WINDOW *w, int y, int x, const wchar_t *s, attr_t attrs, short pair) {
    cchar_t c;
    if (setcchar(&c, s, attrs, pair, 0) != OK) return ERR;
    return mvwadd_wch(w, y, x, &c);
}

static inline int cn_ccharw_max(void) { return CCHARW_MAX; }

/* newterm on the process's stdout/stdin (Swift 6 rejects the stdio globals); NULL on failure
 * (unlike initscr, which exits the process). */
static inline SCREEN *cn_newterm(void) { return newterm(0, stdout, stdin); }

static void cn_atexit_restore(void) { if (!isendwin()) endwin(); }
static inline void cn_register_atexit(void) { atexit(cn_atexit_restore); }

/* Restore the terminal from a signal handler, then die of the signal with its default action. */
static void cn_fatal_signal_handler(int sig) {
    endwin();
    signal(sig, SIG_DFL);
    raise(sig);
}

static inline void cn_install_fatal_signal_handlers(void) {
    int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGABRT, SIGBUS, SIGILL, SIGFPE, SIGTRAP };
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = cn_fatal_signal_handler;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESETHAND | SA_NODEFER;
        sigaction(sigs[i], &sa, 0);
    }
}

static inline void cn_restore_default_signal_handlers(void) {
    int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGABRT, SIGBUS, SIGILL, SIGFPE, SIGTRAP };
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) signal(sigs[i], SIG_DFL);
}
#endif
