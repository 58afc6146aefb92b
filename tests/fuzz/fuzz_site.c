/*
 * Fuzzes site.yaml loading (src/site.c, through src/yml.c): any bytes as
 * the file, then the look-ups every notice makes against the servers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "site.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What a loaded site promises the rest of nocblog; abort() when broken. */
static void check_site(const struct nb_site *site)
{
	size_t i;

	if (!site->title || !site->base_url || !site->timezone || !site->author)
		abort();
	if (site->base_url[strlen(site->base_url) - 1] != '/')
		abort();
	if (site->feed_entries < 0 || site->feed_updates < 0 || site->tombstone_days < 0)
		abort();
	for (i = 0; i < site->server_count; i++) {
		const struct nb_server *sv = &site->servers[i];

		if (!sv->id || !sv->name || !*sv->id || strlen(sv->id) > NB_SERVER_ID_MAX)
			abort();
		if (strchr(sv->id, '/') || strcmp(sv->id, ".") == 0 || strcmp(sv->id, "..") == 0)
			abort(); /* ids become folder names under servers/ */
		if (nb_site_server(site, sv->id) != sv)
			abort();
		if (sv->group && !nb_site_server(site, sv->group))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nb_diags diags = NB_DIAGS_INIT;
	struct nb_site site;
	size_t i;
	int rc;

	rc = nb_site_load(&site, (const char *)data, size, NB_SITE_PATH, &diags);
	if ((rc < 0) != (diags.count > 0))
		abort();
	if (rc == 0) {
		check_site(&site);
		/* a typo of a few ids, as "did you mean" sees it (each look-up
		 * reads every server: all of them would make this quadratic) */
		for (i = 0; i < site.server_count && i < 8; i++) {
			char *typo = strdup(site.servers[i].id);

			typo[0] = typo[0] == 'X' ? 'Y' : 'X';
			(void)nb_site_suggest_server(&site, typo);
			free(typo);
		}
	}
	nb_site_release(&site);
	nb_diags_clear(&diags);
	return 0;
}
