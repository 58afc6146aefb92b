/*
 * api: the site's status as JSON that monitoring tools already read:
 * api/v2/ shaped like Atlassian Statuspage's public API v2 (summary,
 * status, components, incidents, scheduled maintenances), and cState's
 * index.json.  Plain files a web server serves as they are.
 */
#ifndef NB_API_H
#define NB_API_H

struct nb_model;
struct nb_publish;
struct nb_diags;

/* The API's files, from the API's root ("api/v2/summary.json"...), then
 * cState's "index.json"; NULL-terminated. */
extern const char *const nb_api_files[];

/* Writes them into the staging folder.  Returns 0, or -1. */
int nb_api_write_all(const struct nb_model *m, struct nb_publish *pub, struct nb_diags *diags);

#endif
