/*
 * The escapers of the HTML report: bb_html_escape() (HTML text and quoted attributes),
 * bb_utf8_seq_len() (which bytes are well-formed UTF-8) and bb_gp_quote() (gnuplot strings).
 * Known inputs with their exact output, then random byte strings checked for the properties the
 * report relies on: no markup character survives, the output is well-formed UTF-8, a gnuplot
 * string cannot end early or span lines.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/strbuf.h"
#include "reports/gnuplot.h"
#include "reports/html.h"
#include "test_util.h"

#define FFFD "\xEF\xBF\xBD"

static char *esc(const char *s)
{
	static bb_strbuf sb = BB_STRBUF_INIT;
	bb_strbuf_reset(&sb);
	bb_html_escape(&sb, s);
	return sb.buf;
}

static char *gpq(const char *s)
{
	static bb_strbuf sb = BB_STRBUF_INIT;
	bb_strbuf_reset(&sb);
	bb_gp_quote(&sb, s);
	return sb.buf;
}

static void test_known(void)
{
	BB_CHECK_STR(esc(NULL), "");
	BB_CHECK_STR(esc(""), "");
	BB_CHECK_STR(esc("openblas-0.3.21"), "openblas-0.3.21");
	BB_CHECK_STR(esc("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
	BB_CHECK_STR(esc("a\"b'c&d"), "a&quot;b&#39;c&amp;d");
	BB_CHECK_STR(esc("&amp;"), "&amp;amp;"); /* escaped again, not trusted */
	BB_CHECK_STR(esc("<img src=x onerror=alert(1)>"), "&lt;img src=x onerror=alert(1)&gt;");
	/* well-formed UTF-8 passes through: 2, 3 and 4-byte sequences */
	BB_CHECK_STR(esc("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
		     "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
	/* tab, newline, carriage return are kept; other controls and DEL are replaced */
	BB_CHECK_STR(esc("a\tb\nc\rd"), "a\tb\nc\rd");
	BB_CHECK_STR(esc("a\x01" "b\x1b" "c\x7f"), "a" FFFD "b" FFFD "c" FFFD);
	BB_CHECK_STR(esc("x\xC2\x85y"), "x" FFFD "y"); /* C1 control U+0085 */
	BB_CHECK_STR(esc("\xC2\xA0"), "\xC2\xA0");     /* U+00A0 is text */
	/* malformed UTF-8: one U+FFFD per byte that does not start a sequence */
	BB_CHECK_STR(esc("\xFF"), FFFD);
	BB_CHECK_STR(esc("a\xC3"), "a" FFFD);                  /* cut short */
	BB_CHECK_STR(esc("\xC0\xBC"), FFFD FFFD);              /* overlong '<' */
	BB_CHECK_STR(esc("\xE0\x80\xBC"), FFFD FFFD FFFD);     /* overlong '<', 3 bytes */
	BB_CHECK_STR(esc("\xED\xA0\x80"), FFFD FFFD FFFD);     /* UTF-16 surrogate */
	BB_CHECK_STR(esc("\xF4\x90\x80\x80"), FFFD FFFD FFFD FFFD); /* above U+10FFFF */
	BB_CHECK_STR(esc("\x80<"), FFFD "&lt;");               /* stray continuation */

	BB_CHECK_INT(bb_utf8_seq_len("a"), 1);
	BB_CHECK_INT(bb_utf8_seq_len("\xC3\xA9"), 2);
	BB_CHECK_INT(bb_utf8_seq_len("\xE2\x82\xAC"), 3);
	BB_CHECK_INT(bb_utf8_seq_len("\xF0\x9F\x98\x80"), 4);
	BB_CHECK_INT(bb_utf8_seq_len("\xF4\x8F\xBF\xBF"), 4); /* U+10FFFF */
	BB_CHECK_INT(bb_utf8_seq_len("\xC1\xBF"), 0);
	BB_CHECK_INT(bb_utf8_seq_len("\xE2\x82"), 0);
	BB_CHECK_INT(bb_utf8_seq_len("\xF5\x80\x80\x80"), 0);

	BB_CHECK_STR(gpq(NULL), "''");
	BB_CHECK_STR(gpq("dgemm"), "'dgemm'");
	BB_CHECK_STR(gpq("a\"b'c"), "'a\"b''c'");
	BB_CHECK_STR(gpq("x'\ny"), "'x'' y'"); /* a newline would end the command */
	BB_CHECK_STR(gpq("\xFF\\n"), "'?\\n'");  /* backslashes mean nothing in '' */
	BB_CHECK_STR(gpq("\xC3\xA9"), "'\xC3\xA9'");
}

/* xorshift64*: a fixed sequence, so a failure reproduces */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static int well_formed(const char *s)
{
	while (*s) {
		size_t n = bb_utf8_seq_len(s);
		if (!n)
			return 0;
		s += n;
	}
	return 1;
}

static void test_random(void)
{
	static const char alphabet[] = "<>&\"'\\\n\t\x01\x7f\xC2\x85\xC3\xA9\xE2\x82\xAC\xED\xA0"
				       "\xF0\x9F\x98\x80\xFF\x80 ab=/";
	uint64_t seed = 0x6262687466ULL;
	int markup = 0, malformed = 0, gp_bad = 0;
	for (int round = 0; round < 20000; round++) {
		char in[40];
		size_t len = rnd(&seed) % (sizeof(in) - 1);
		for (size_t i = 0; i < len; i++)
			in[i] = alphabet[rnd(&seed) % (sizeof(alphabet) - 1)];
		in[len] = 0;
		const char *out = esc(in);
		markup += strpbrk(out, "<>\"'") != NULL;
		malformed += !well_formed(out);
		/* gnuplot: opening and closing quote, every quote inside doubled, one line */
		const char *q = gpq(in);
		size_t ql = strlen(q);
		int ok = ql >= 2 && q[0] == '\'' && q[ql - 1] == '\'' && well_formed(q);
		for (size_t i = 1; ok && i + 1 < ql; i++) {
			if ((unsigned char)q[i] < 0x20 || q[i] == 0x7f)
				ok = 0;
			else if (q[i] == '\'' && q[++i] != '\'')
				ok = 0;
		}
		gp_bad += !ok;
	}
	BB_CHECK_INT(markup, 0);
	BB_CHECK_INT(malformed, 0);
	BB_CHECK_INT(gp_bad, 0);
}

int main(void)
{
	test_known();
	test_random();
	return bb_test_done();
}
