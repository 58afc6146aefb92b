/*
 * Fuzzes the importers (src/import_cstate.c, src/import_statuspage.c):
 * any bytes as a cState issue file (first byte even) or a Statuspage JSON
 * document (odd), then what nb_import_run does with each notice: its file
 * after every event (with and without its lines escaped), read back by the
 * notice parser.  What the readers
 * promise is checked; abort() when broken.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "import.h"
#include "notice.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_notice(const struct nb_import *imp, struct nb_import_notice *n)
{
	struct nb_buf text = NB_BUF_INIT;
	size_t k, i;

	if (!n->path || strncmp(n->path, "content/", 8) != 0 || !n->title || !n->status ||
	    !n->body || !n->server_count)
		abort();
	for (i = 0; i < n->server_count; i++)
		if (!n->servers[i] || !*n->servers[i])
			abort();
	for (k = 0; k < n->event_count; k++)
		if (n->events[k].when.at < n->opened.at ||
		    (k && n->events[k].when.at < n->events[k - 1].when.at))
			abort();
	for (k = 0; k <= n->event_count; k++) {
		struct nb_diags diags = NB_DIAGS_INIT;
		struct nb_notice parsed;

		n->escape = (int)(k % 2);
		nb_buf_truncate(&text, 0);
		nb_import_render(&text, imp, n, k, k == n->event_count);
		memset(&parsed, 0, sizeof(parsed));
		nb_notice_parse(&parsed, n->path, nb_buf_cstr(&text), text.len, "UTC", &diags);
		nb_notice_release(&parsed);
		nb_diags_clear(&diags);
	}
	nb_buf_release(&text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nb_diags diags = NB_DIAGS_INIT;
	struct nb_import imp;
	size_t i;

	if (!size)
		return 0;
	memset(&imp, 0, sizeof(imp));
	if (data[0] % 2 == 0)
		nb_import_cstate_issue(&imp, "issue.md", (const char *)data + 1, size - 1);
	else
		nb_import_statuspage_json(&imp, "incidents.json", (const char *)data + 1, size - 1,
					  &diags);
	for (i = 0; i < imp.count; i++)
		check_notice(&imp, &imp.notices[i]);
	for (i = 0; i < imp.server_count; i++)
		if (!imp.servers[i].id || !*imp.servers[i].id || !imp.servers[i].name)
			abort();
	nb_import_release(&imp);
	nb_diags_clear(&diags);
	return 0;
}
