/*
 * termtab.c - text for a terminal: the display width of UTF-8 text
 * (libunistring's u8_width: Chinese and other East Asian wide characters
 * take two columns, Thai and other combining marks none), cells cut with an
 * ellipsis and padded to a width, and the width of the terminal.
 */
#include "cli.h"
#include "output.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <unistr.h>
#include <uniwidth.h>

int term_columns(void)
{
    const char *c = getenv("COLUMNS");
    if (c && *c) {
        long n = strtol(c, NULL, 10);
        if (n >= 20 && n <= 10000)
            return (int)n;
    }
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return ws.ws_col;
    return 100;
}

/* Valid UTF-8 is measured; anything else counts a column a byte. */
int text_width(const char *s)
{
    size_t n = strlen(s);
    if (u8_check((const uint8_t *)s, n) != NULL)
        return (int)n;
    return u8_width((const uint8_t *)s, n, "UTF-8");
}

void put_cell(FILE *f, const char *s, int width, int right)
{
    if (s == NULL)
        s = "";
    int w = text_width(s);
    size_t len = strlen(s);
    if (w > width && u8_check((const uint8_t *)s, len) == NULL) {
        /* the longest start that leaves a column for the ellipsis */
        size_t keep = 0;
        int used = 0;
        const uint8_t *p = (const uint8_t *)s;
        while (keep < len) {
            ucs4_t uc;
            int k = u8_mbtouc(&uc, p + keep, len - keep);
            int cw = uc_width(uc, "UTF-8");
            if (cw < 0)
                cw = 1;
            if (used + cw > width - 1)
                break;
            used += cw;
            keep += (size_t)k;
        }
        /* combining marks that follow belong to the last character kept */
        while (keep < len) {
            ucs4_t uc;
            int k = u8_mbtouc(&uc, p + keep, len - keep);
            if (uc_width(uc, "UTF-8") != 0)
                break;
            keep += (size_t)k;
        }
        fprintf(f, "%.*s\xe2\x80\xa6", (int)keep, s);
        for (int i = used + 1; i < width; i++)
            fputc(' ', f);
        return;
    }
    if (w > width) {            /* not UTF-8: cut by bytes */
        fprintf(f, "%.*s", width, s);
        return;
    }
    if (right)
        for (int i = w; i < width; i++)
            fputc(' ', f);
    fputs(s, f);
    if (!right)
        for (int i = w; i < width; i++)
            fputc(' ', f);
}
