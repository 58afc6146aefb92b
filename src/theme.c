#include "theme.h"

#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "diag.h"
#include "map.h"
#include "util.h"

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The theme installed with this program: next to it in a build tree,
 * under PREFIX/share when installed, two levels up for build/asan/. */
static char *installed_theme(void)
{
	static const char *const near[] = {
		"/themes/default",                    /* a build tree */
		"/../share/nocblog/themes/default",   /* PREFIX/bin */
		"/../../themes/default",              /* build/asan/ */
	};
	struct nb_buf path = NB_BUF_INIT;
	char self[4096], *slash;
	size_t i;

	if (nb_self_path(self, sizeof(self)) < 0 || !(slash = strrchr(self, '/')))
		return NULL;
	*slash = '\0';
	for (i = 0; i < NB_ARRAY_LEN(near); i++) {
		nb_buf_truncate(&path, 0);
		nb_buf_printf(&path, "%s%s", self, near[i]);
		if (is_dir(path.ptr))
			return nb_buf_detach(&path);
	}
	nb_buf_release(&path);
	return NULL;
}

char *nb_theme_find(const char *given, git_repository *repo)
{
	const char *workdir = repo ? git_repository_workdir(repo) : NULL;
	struct nb_buf path = NB_BUF_INIT;
	char *found;

	if (given)
		return nb_strdup(given);
	if (workdir) {
		nb_buf_printf(&path, "%sthemes/default", workdir);
		if (is_dir(path.ptr))
			return nb_buf_detach(&path);
		nb_buf_release(&path);
	}
	found = installed_theme();
	return found ? found : nb_strdup("themes/default");
}

int nb_theme_check(const char *theme, struct nb_diags *diags)
{
	struct nb_buf path = NB_BUF_INIT;
	int rc = 0;

	nb_buf_printf(&path, "%s/templates", theme);
	if (!is_dir(path.ptr))
		rc = nb_diags_add(diags, theme, 0,
				  "pass --theme DIR, a folder with templates/ and static/",
				  "no theme here: templates/ is missing");
	nb_buf_release(&path);
	return rc;
}

/* Adds a folder's files (names and bytes, sorted) to b. */
static void add_folder(struct nb_buf *b, const char *dir)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort), i;

	for (i = 0; i < n; i++) {
		struct nb_buf path = NB_BUF_INIT, data = NB_BUF_INIT;

		if (names[i]->d_name[0] != '.') {
			nb_buf_printf(&path, "%s/%s", dir, names[i]->d_name);
			if (is_dir(path.ptr)) {
				add_folder(b, path.ptr);
			} else if (nb_buf_read_file(&data, path.ptr, SIZE_MAX - 1) == 0) {
				/* whole: a change anywhere in a theme file means a rebuild */
				nb_buf_printf(b, "%s\n%zu\n", names[i]->d_name, data.len);
				nb_buf_put(b, nb_buf_cstr(&data), data.len);
			}
		}
		nb_buf_release(&path);
		nb_buf_release(&data);
		free(names[i]);
	}
	free(names);
}

uint64_t nb_theme_digest(const char *theme)
{
	struct nb_buf files = NB_BUF_INIT;
	uint64_t digest;

	add_folder(&files, theme);
	digest = nb_hash(nb_buf_cstr(&files), files.len);
	nb_buf_release(&files);
	return digest;
}
