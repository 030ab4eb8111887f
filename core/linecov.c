/*
 * linecov.c - line coverage of Lua files (see linecov.h).
 *
 * Hits are counted per file and line as the line hook reports them. Which
 * lines hold code is read from the file's compiled chunk, all functions
 * nested in it included, the way Lua's own activelines (debug.getinfo "L")
 * reads one function: the chunk is compiled in a bare state of its own
 * (nothing runs), dumped with its debug information (lua_dump), and the
 * line of every instruction is decoded from the dump's line table. The dump
 * format is Lua 5.4's (ldump.c); a chunk in any other format is reported as
 * not measured, never guessed at.
 */
#include "linecov.h"
#include "alloc.h"
#include "buf.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE 10000000     /* lines beyond are not counted */

typedef struct lfile {
    char *name;
    uint32_t *hits;           /* by line */
    size_t nhits;
    int measured;
    char error[600];          /* why it could not be measured, or "" */
    unsigned char *code;      /* by line: 1 when the line holds code */
    size_t ncode;
    int *missed;
    size_t nmissed;
    int ncodelines, nrun;
} lfile;

struct linecov {
    lfile *f;
    size_t n, cap;
    size_t last;              /* the file of the last hit */
    int nomem;
};

linecov *cmi_linecov_new(void)
{
    return cm_calloc(1, sizeof(linecov));
}

void cmi_linecov_free(linecov *lc)
{
    if (lc == NULL)
        return;
    for (size_t i = 0; i < lc->n; i++) {
        cm_free(lc->f[i].name);
        cm_free(lc->f[i].hits);
        cm_free(lc->f[i].code);
        cm_free(lc->f[i].missed);
    }
    cm_free(lc->f);
    cm_free(lc);
}

int cmi_linecov_nomem(const linecov *lc)
{
    return lc->nomem;
}

size_t cmi_linecov_count(const linecov *lc)
{
    return lc->n;
}

static lfile *find_file(linecov *lc, const char *file)
{
    if (lc->last < lc->n && strcmp(lc->f[lc->last].name, file) == 0)
        return &lc->f[lc->last];
    for (size_t i = 0; i < lc->n; i++)
        if (strcmp(lc->f[i].name, file) == 0) {
            lc->last = i;
            return &lc->f[i];
        }
    if (cm_grow((void **)&lc->f, &lc->cap, lc->n + 1, sizeof *lc->f) < 0)
        return NULL;
    lfile *f = &lc->f[lc->n];
    memset(f, 0, sizeof *f);
    if ((f->name = cm_strdup(file)) == NULL)
        return NULL;
    lc->last = lc->n++;
    return f;
}

void cmi_linecov_hit(void *ud, const char *file, int line)
{
    linecov *lc = ud;
    if (line <= 0 || line > MAX_LINE)
        return;
    lfile *f = find_file(lc, file);
    if (f == NULL) {
        lc->nomem = 1;
        return;
    }
    if ((size_t)line >= f->nhits) {
        size_t cap = f->nhits, want = (size_t)line + 1;
        uint32_t *h = f->hits;
        if (cm_grow((void **)&h, &cap, want, sizeof *h) < 0) {
            lc->nomem = 1;
            return;
        }
        memset(h + f->nhits, 0, (cap - f->nhits) * sizeof *h);
        f->hits = h;
        f->nhits = cap;
    }
    if (f->hits[line] < UINT32_MAX)
        f->hits[line]++;
}

static int cmp_file(const void *a, const void *b)
{
    return strcmp(((const lfile *)a)->name, ((const lfile *)b)->name);
}

void cmi_linecov_sort(linecov *lc, const char *first)
{
    if (lc->n > 1)
        qsort(lc->f, lc->n, sizeof *lc->f, cmp_file);
    for (size_t i = 1; first && i < lc->n; i++)
        if (strcmp(lc->f[i].name, first) == 0) {
            lfile keep = lc->f[i];
            memmove(lc->f + 1, lc->f, i * sizeof *lc->f);
            lc->f[0] = keep;
            break;
        }
    lc->last = 0;
}

/* ---- lines holding code, from a Lua 5.4 dump ----------------------------------- */

typedef struct reader {
    const unsigned char *p, *end;
    int bad;                  /* not a dump as expected (or out of memory) */
    int nomem;
    unsigned char *code;      /* by line */
    size_t ncode;
} reader;

static int rd_byte(reader *r)
{
    if (r->p >= r->end) {
        r->bad = 1;
        return 0;
    }
    return *r->p++;
}

/* ldump.c's dumpSize: 7 bits a byte, most significant first, the last byte
 * marked with 0x80 */
static size_t rd_size(reader *r)
{
    size_t x = 0;
    int b;
    do {
        b = rd_byte(r);
        if (x > (SIZE_MAX >> 7)) {
            r->bad = 1;
            return 0;
        }
        x = (x << 7) | (size_t)(b & 0x7f);
    } while (!(b & 0x80) && !r->bad);
    return x;
}

static void rd_skip(reader *r, size_t n, size_t elem)
{
    if (r->bad || n > (size_t)(r->end - r->p) / elem) {
        r->bad = 1;
        r->p = r->end;
        return;
    }
    r->p += n * elem;
}

static void rd_string(reader *r)
{
    size_t n = rd_size(r);
    if (n)
        rd_skip(r, n - 1, 1);
}

static void mark(reader *r, int line)
{
    if (line <= 0 || line > MAX_LINE)
        return;
    if ((size_t)line >= r->ncode) {
        size_t cap = r->ncode;
        unsigned char *c = r->code;
        if (cm_grow((void **)&c, &cap, (size_t)line + 1, 1) < 0) {
            r->bad = r->nomem = 1;
            return;
        }
        memset(c + r->ncode, 0, cap - r->ncode);
        r->code = c;
        r->ncode = cap;
    }
    r->code[line] = 1;
}

#define ABSLINEINFO (-0x80)   /* lineinfo entry: the line is in abslineinfo */

/* One function (ldump.c's dumpFunction) and those nested in it. */
static void rd_function(reader *r, int depth)
{
    if (depth > 250) {        /* deeper than the parser allows */
        r->bad = 1;
        return;
    }
    rd_string(r);                             /* source */
    int linedefined = (int)rd_size(r);
    rd_size(r);                               /* lastlinedefined */
    rd_byte(r);                               /* numparams */
    int vararg = rd_byte(r);
    rd_byte(r);                               /* maxstacksize */
    size_t ninstr = rd_size(r);
    rd_skip(r, ninstr, 4);                    /* code */
    size_t nk = rd_size(r);
    for (size_t i = 0; i < nk && !r->bad; i++) {
        switch (rd_byte(r)) {
        case 0: case 1: case 17:              /* nil, false, true */
            break;
        case 3:                               /* integer */
            rd_skip(r, sizeof(lua_Integer), 1);
            break;
        case 19:                              /* float */
            rd_skip(r, sizeof(lua_Number), 1);
            break;
        case 4: case 20:                      /* short, long string */
            rd_string(r);
            break;
        default:
            r->bad = 1;
        }
    }
    rd_skip(r, rd_size(r), 3);                /* upvalues */
    size_t np = rd_size(r);
    for (size_t i = 0; i < np && !r->bad; i++)
        rd_function(r, depth + 1);
    size_t nli = rd_size(r);
    const signed char *li = (const signed char *)r->p;
    rd_skip(r, nli, 1);
    size_t nabs = rd_size(r);
    const unsigned char *abs = r->p;
    for (size_t i = 0; i < nabs && !r->bad; i++) {
        rd_size(r);
        rd_size(r);
    }
    size_t nloc = rd_size(r);
    for (size_t i = 0; i < nloc && !r->bad; i++) {
        rd_string(r);
        rd_size(r);
        rd_size(r);
    }
    size_t nupn = rd_size(r);
    for (size_t i = 0; i < nupn && !r->bad; i++)
        rd_string(r);
    if (r->bad || nli == 0)
        return;
    /* the lines, as ldebug.c's collectvalidlines: a vararg function's first
     * instruction (VARARGPREP) is not a line of its own; and the final
     * implicit return, alone on the `end` line, is left out, since a
     * function that returns before it never runs it */
    reader ar = { abs, r->end, 0, 0, NULL, 0 };
    size_t absleft = nabs;
    int line = linedefined;
    for (size_t i = 0; i + 1 < nli; i++) {
        if (li[i] == ABSLINEINFO) {
            /* abslineinfo holds (pc, line) pairs in pc order */
            size_t pc = 0;
            int abs_line = line;
            while (absleft > 0) {
                pc = rd_size(&ar);
                abs_line = (int)rd_size(&ar);
                absleft--;
                if (pc >= i)
                    break;
            }
            if (ar.bad || pc != i) {
                r->bad = 1;
                return;
            }
            line = abs_line;
        } else {
            line += li[i];
        }
        if (i > 0 || !vararg)
            mark(r, line);
    }
}

/* lua_Writer: the dump into a textbuf */
static int write_dump(lua_State *L, const void *p, size_t n, void *ud)
{
    (void)L;
    textbuf *b = ud;
    cmi_buf_put(b, p, n);
    return b->nomem;
}

/* The header of ldump.c's dumpHeader for this build of Lua 5.4 */
static int header_ok(reader *r)
{
    static const unsigned char sig[] = { 0x1b, 'L', 'u', 'a', 0x54, 0,
                                         0x19, 0x93, '\r', '\n', 0x1a, '\n',
                                         4, sizeof(lua_Integer), sizeof(lua_Number) };
    if ((size_t)(r->end - r->p) < sizeof sig + sizeof(lua_Integer) + sizeof(lua_Number) + 1 ||
        memcmp(r->p, sig, sizeof sig) != 0)
        return 0;
    r->p += sizeof sig;
    lua_Integer i;
    lua_Number d;
    memcpy(&i, r->p, sizeof i);
    memcpy(&d, r->p + sizeof i, sizeof d);
    r->p += sizeof i + sizeof d;
    r->p++;                                   /* the main function's upvalue count */
    return i == 0x5678 && d == 370.5;         /* LUAC_INT, LUAC_NUM */
}

static void *bare_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    (void)osize;
    if (nsize == 0) {
        cm_free(ptr);
        return NULL;
    }
    return cm_realloc(ptr, nsize);
}

/* The lines of the file that hold code, into f (or f->error). */
static void measure(lfile *f)
{
    f->measured = 1;
    const char *why = NULL;
    char msg[600] = "";
    textbuf dump = BUF_INIT;
    lua_State *L = lua_newstate(bare_alloc, NULL);
    if (L == NULL) {
        why = "out of memory";
    } else if (luaL_loadfilex(L, f->name, "t") != LUA_OK) {
        /* it ran, so it compiled: it changed or went since */
        snprintf(msg, sizeof msg, "cannot compile it now: %s", lua_tostring(L, -1));
        why = msg;
    } else if (lua_dump(L, write_dump, &dump, 0) != 0 || dump.nomem) {
        why = "out of memory";
    } else {
        reader r = { (const unsigned char *)dump.s, (const unsigned char *)dump.s + dump.len, 0,
                     0, NULL, 0 };
        if (!header_ok(&r))
            why = "the Lua build's compiled chunks are not in the Lua 5.4 format";
        else
            rd_function(&r, 0);
        if (r.nomem)
            why = "out of memory";
        else if (r.bad || (why == NULL && r.p != r.end))
            why = "its compiled chunk is not in the Lua 5.4 format";
        f->code = r.code;
        f->ncode = r.ncode;
    }
    if (L)
        lua_close(L);
    cmi_buf_free(&dump);
    if (why) {
        cm_free(f->code);
        f->code = NULL;
        f->ncode = 0;
        snprintf(f->error, sizeof f->error, "%s", why);
        return;
    }
}

/* The lines that hold code and never ran, from the hits so far. */
static void tally(lfile *f)
{
    cm_free(f->missed);
    f->missed = NULL;
    f->nmissed = 0;
    f->ncodelines = f->nrun = 0;
    size_t n = 0;
    for (size_t l = 1; l < f->ncode; l++)
        n += f->code[l] && !(l < f->nhits && f->hits[l]);
    f->missed = cm_malloc((n ? n : 1) * sizeof *f->missed);
    if (f->missed == NULL) {
        snprintf(f->error, sizeof f->error, "out of memory");
        return;
    }
    for (size_t l = 1; l < f->ncode; l++) {
        if (!f->code[l])
            continue;
        f->ncodelines++;
        if (l < f->nhits && f->hits[l])
            f->nrun++;
        else
            f->missed[f->nmissed++] = (int)l;
    }
}

void cmi_linecov_file(linecov *lc, size_t i, linecov_file *out)
{
    lfile *f = &lc->f[i];
    if (!f->measured)
        measure(f);
    if (f->error[0] == '\0')
        tally(f);
    out->name = f->name;
    out->error = f->error[0] ? f->error : NULL;
    out->code = f->ncodelines;
    out->run = f->nrun;
    out->missed = f->missed;
    out->nmissed = f->nmissed;
    out->is_code = f->code;
    out->nlines = f->ncode;
}
