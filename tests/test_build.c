/*
 * What the command line calls, tested directly: where the theme is found,
 * what identifies it, the stamp that tells a build it has nothing new to
 * do, and how hooks are written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "build.h"
#include "diag.h"
#include "fixture.h"
#include "hooks.h"
#include "publish.h"
#include "theme.h"

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* --theme first, then the repository's themes/default, then the theme
 * installed with the program (for this test binary in build/tests/, the
 * source tree's). */
static void test_theme_lookup(void **state)
{
	struct fx_repo r;
	struct nb_buf want = NB_BUF_INIT;
	char *theme;

	(void)state;
	fx_repo_init(&r);
	theme = nb_theme_find("/some/theme", r.repo);
	assert_string_equal(theme, "/some/theme");
	free(theme);
	theme = nb_theme_find(NULL, r.repo);
	assert_true(is_dir(theme));
	assert_non_null(strstr(theme, "themes/default"));
	assert_null(strstr(theme, r.dir));
	free(theme);
	fx_copy_tree(&r, "themes/default", "themes/default");
	theme = nb_theme_find(NULL, r.repo);
	nb_buf_printf(&want, "%s/themes/default", r.dir);
	assert_string_equal(theme, want.ptr);
	free(theme);
	nb_buf_release(&want);
	fx_repo_free(&r);
}

/* A folder without templates/ is no theme; one byte anywhere in a theme
 * changes what identifies it, a copy does not. */
static void test_theme_check_and_digest(void **state)
{
	struct nb_diags diags = NB_DIAGS_INIT;
	struct fx_repo r;
	struct nb_buf a = NB_BUF_INIT, b = NB_BUF_INIT;
	uint64_t da, db;

	(void)state;
	fx_repo_init(&r);
	nb_buf_printf(&a, "%s/a", r.dir);
	nb_buf_printf(&b, "%s/b", r.dir);
	assert_int_equal(nb_theme_check(r.dir, &diags), -1);
	assert_non_null(strstr(diags.items[0].message, "templates/ is missing"));
	nb_diags_clear(&diags);
	fx_copy_tree(&r, "themes/default", "a");
	fx_copy_tree(&r, "themes/default", "b");
	assert_int_equal(nb_theme_check(a.ptr, &diags), 0);
	da = nb_theme_digest(a.ptr);
	db = nb_theme_digest(b.ptr);
	assert_true(da == db);
	fx_write(&r, "b/static/extra.txt", "x");
	assert_true(nb_theme_digest(b.ptr) != da);
	nb_buf_release(&a);
	nb_buf_release(&b);
	fx_repo_free(&r);
}

/* Publishes an empty site at out with the stamp. */
static void publish_with(const char *out, const char *stamp)
{
	struct nb_diags diags = NB_DIAGS_INIT;
	struct nb_publish pub = NB_PUBLISH_INIT;

	assert_int_equal(nb_publish_begin(&pub, out, &diags), 0);
	assert_int_equal(nb_publish_write(&pub, "index.html", "<p>hi</p>\n", 10, &diags), 0);
	assert_int_equal(nb_publish_commit(&pub, stamp, &diags), 0);
	nb_publish_release(&pub);
	assert_int_equal(diags.count, 0);
}

/* The stamp names the commit, the theme and the program; the site is up to
 * date only for the same stamp, and only while it stays the folder it was. */
static void test_up_to_date(void **state)
{
	struct fx_repo r;
	struct nb_buf out = NB_BUF_INIT, cmd = NB_BUF_INIT, theme = NB_BUF_INIT;
	char *one, *two, *other, *lock;

	(void)state;
	fx_repo_init(&r);
	fx_copy_tree(&r, "themes/default", "theme");
	nb_buf_printf(&theme, "%s/theme", r.dir);
	one = nb_build_stamp("1111111111111111111111111111111111111111", theme.ptr);
	two = nb_build_stamp("2222222222222222222222222222222222222222", theme.ptr);
	assert_non_null(strstr(one, "commit 1111111111111111111111111111111111111111\n"));
	assert_non_null(strstr(one, "\nprogram "));
	nb_buf_printf(&out, "%s/out", r.dir);
	assert_false(nb_publish_is_current(out.ptr, one));
	publish_with(out.ptr, one);
	assert_true(nb_publish_is_current(out.ptr, one));
	assert_false(nb_publish_is_current(out.ptr, two));
	/* kept beside the site, not in it */
	nb_buf_printf(&cmd, "%s/out.lock", r.dir);
	lock = fx_slurp(cmd.ptr);
	assert_non_null(lock);
	assert_non_null(strstr(lock, one));
	free(lock);
	nb_buf_truncate(&cmd, 0);
	nb_buf_printf(&cmd, "%s/out/.nocblog-build", r.dir);
	assert_null(fx_slurp(cmd.ptr));
	/* another theme: another stamp */
	fx_write(&r, "theme/static/extra.txt", "x");
	other = nb_build_stamp("1111111111111111111111111111111111111111", theme.ptr);
	assert_string_not_equal(other, one);
	/* a site replaced by hand is not the one stamped */
	nb_buf_truncate(&cmd, 0);
	nb_buf_printf(&cmd, "rm -rf '%s' && mkdir '%s'", out.ptr, out.ptr);
	assert_int_equal(fx_sh(cmd.ptr, NULL), 0);
	assert_false(nb_publish_is_current(out.ptr, one));
	free(one);
	free(two);
	free(other);
	nb_buf_release(&out);
	nb_buf_release(&cmd);
	nb_buf_release(&theme);
	fx_repo_free(&r);
}

/* Hooks are written whole (a temporary name, then renamed), executable,
 * calling the program given; installing again replaces nocblog's own; one
 * nocblog did not write is left alone; the post-receive hook's output
 * folder is made and named by its absolute path. */
static void test_hooks_written(void **state)
{
	struct nb_diags diags = NB_DIAGS_INIT;
	struct nb_buf path = NB_BUF_INIT, dir = NB_BUF_INIT, cmd = NB_BUF_INIT;
	struct fx_repo r;
	struct stat st;
	char *text, *listing = NULL;

	(void)state;
	fx_repo_init(&r);
	assert_int_equal(nb_hooks_install(&path, r.repo, "pre-commit", "/opt/nb/nocblog", NULL,
					  &diags), 0);
	assert_int_equal(stat(path.ptr, &st), 0);
	assert_true(st.st_mode & S_IXUSR);
	text = fx_slurp(path.ptr);
	assert_non_null(strstr(text, "nocblog='/opt/nb/nocblog'"));
	assert_non_null(strstr(text, "check --index"));
	free(text);
	assert_int_equal(nb_hooks_install(&path, r.repo, "pre-commit", "/usr/bin/nocblog", NULL,
					  &diags), 0);
	text = fx_slurp(path.ptr);
	assert_non_null(strstr(text, "nocblog='/usr/bin/nocblog'"));
	free(text);
	/* nothing left beside it but the hooks */
	nb_buf_printf(&cmd, "ls -A '%s/.git/hooks' | grep -v sample", r.dir);
	assert_int_equal(fx_sh(cmd.ptr, &listing), 0);
	assert_string_equal(listing, "pre-commit\n");
	free(listing);
	/* a foreign hook stays */
	fx_write(&r, ".git/hooks/pre-receive", "#!/bin/sh\nexit 0\n");
	assert_int_equal(nb_hooks_install(&path, r.repo, "pre-receive", "/usr/bin/nocblog", NULL,
					  &diags), NB_HOOKS_FOREIGN);
	nb_diags_clear(&diags);
	text = fx_slurp(path.ptr);
	assert_string_equal(text, "#!/bin/sh\nexit 0\n");
	free(text);
	/* the output folder: made, absolute */
	assert_int_equal(chdir(r.dir), 0);
	assert_int_equal(nb_hooks_install(&path, r.repo, "post-receive", "/usr/bin/nocblog",
					  "www/site", &diags), NB_HOOKS_IO);
	nb_diags_clear(&diags);
	assert_int_equal(mkdir("www", 0755), 0);
	if (nb_hooks_install(&path, r.repo, "post-receive", "/usr/bin/nocblog", "www/site",
			     &diags) != 0)
		fail_msg("%s", diags.count ? diags.items[0].message : "?");
	nb_buf_printf(&dir, "out='%s/www/site'", r.dir);
	text = fx_slurp(path.ptr);
	assert_non_null(strstr(text, dir.ptr));
	free(text);
	assert_int_equal(chdir("/"), 0);
	nb_buf_release(&path);
	nb_buf_release(&dir);
	nb_buf_release(&cmd);
	fx_repo_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_theme_lookup),
		cmocka_unit_test(test_theme_check_and_digest),
		cmocka_unit_test(test_up_to_date),
		cmocka_unit_test(test_hooks_written),
	};

	git_libgit2_init();
	return cmocka_run_group_tests_name("build", tests, NULL, NULL);
}
