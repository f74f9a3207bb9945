"""simonw/datasette#45 ("Run SQLite operations in a thread pool, so we don't end up blocking
our core event loop", the maintainer's own issue, closed when it was done). In the Sanic app of
November 2017 the coroutine BaseView.view_get called the view's synchronous data() method,
which ran the page's SQLite queries (get_conn -> sqlite3.connect, conn.execute, the PRAGMA of
pks_for_table) on the event loop. The fix made data() a coroutine that awaits self.execute(),
which runs each query in a ThreadPoolExecutor with a thread-local connection.

From datasette's app.py of the time, shortened (DatabaseDownload, RowView, the index route,
the filters of TableView and most of resolve_db_name left out). ensure_build_metadata, which
reads (and here, lacking its `return`, rebuilds) build-metadata.json, stayed on the loop
through resolve_db_name after the fix: marked ALSO in both versions."""
from sanic import Sanic
from sanic import response
from sanic.views import HTTPMethodView
from sanic_jinja2 import SanicJinja2
import sqlite3
from contextlib import contextmanager
from pathlib import Path
import urllib.parse
import json
import hashlib
import time

app_root = Path(__file__).parent

BUILD_METADATA = 'build-metadata.json'
DB_GLOBS = ('*.db', '*.sqlite', '*.sqlite3')
HASH_BLOCK_SIZE = 1024 * 1024
SQL_TIME_LIMIT_MS = 1000

conns = {}


app = Sanic(__name__)
jinja = SanicJinja2(app)


def get_conn(name):
    if name not in conns:
        info = ensure_build_metadata()[name]
        conns[name] = sqlite3.connect(
            'file:{}?immutable=1'.format(info['file']),
            uri=True
        )
        conns[name].row_factory = sqlite3.Row
        conns[name].text_factory = lambda x: str(x, 'utf-8', 'replace')
    return conns[name]


def ensure_build_metadata(regenerate=False):
    build_metadata = app_root / BUILD_METADATA
    if build_metadata.exists() and not regenerate:
        json.loads(build_metadata.read_text())
    metadata = {}
    for glob in DB_GLOBS:
        for path in app_root.glob(glob):
            name = path.stem
            m = hashlib.sha256()
            with path.open('rb') as fp:
                while True:
                    data = fp.read(HASH_BLOCK_SIZE)
                    if not data:
                        break
                    m.update(data)
            tables = {}
            with sqlite3.connect('file:{}?immutable=1'.format(path.name), uri=True) as conn:
                conn.row_factory = sqlite3.Row
                table_names = [
                    r['name']
                    for r in conn.execute('select * from sqlite_master where type="table"')
                ]
                for table in table_names:
                    tables[table] = conn.execute('select count(*) from "{}"'.format(table)).fetchone()[0]
            metadata[name] = {
                'hash': m.hexdigest(),
                'file': path.name,
                'tables': tables,
            }
    build_metadata.write_text(json.dumps(metadata, indent=4))
    return metadata


class BaseView(HTTPMethodView):
    template = None

    def redirect(self, request, path):
        r = response.redirect(path)
        r.headers['Link'] = '<{}>; rel=preload'.format(path)
        return r

    async def get(self, request, db_name, **kwargs):
        name, hash, should_redirect = resolve_db_name(db_name, **kwargs)  # ALSO: CCL104, CCL106
        if should_redirect:
            return self.redirect(request, should_redirect)
        return await self.view_get(request, name, hash, **kwargs)

    async def view_get(self, request, name, hash, **kwargs):
        try:
            as_json = kwargs.pop('as_json')
        except KeyError:
            as_json = False
        extra_template_data = {}
        start = time.time()
        try:
            data, extra_template_data = self.data(  # BUG: CCL106
                request, name, hash, **kwargs
            )
        except sqlite3.OperationalError as e:
            data = {
                'ok': False,
                'error': str(e),
            }
        end = time.time()
        data['took_ms'] = (end - start) * 1000
        if as_json:
            return response.HTTPResponse(
                json.dumps(data, cls=CustomJSONEncoder),
                content_type='application/json',
            )
        context = {**data, **dict(
            extra_template_data()
            if callable(extra_template_data)
            else extra_template_data
        )}
        return jinja.render(self.template, request, **context)


class DatabaseView(BaseView):
    template = 'database.html'

    def data(self, request, name, hash):
        conn = get_conn(name)
        sql = request.args.get('sql') or 'select * from sqlite_master'
        with sqlite_timelimit(conn, SQL_TIME_LIMIT_MS):
            rows = conn.execute(sql)
        columns = [r[0] for r in rows.description]
        return {
            'database': name,
            'rows': rows,
            'columns': columns,
        }, {
            'database_hash': hash,
        }


class TableView(BaseView):
    template = 'table.html'

    def data(self, request, name, hash, table):
        conn = get_conn(name)
        table = urllib.parse.unquote_plus(table)
        sql = 'select * from "{}" limit 50'.format(table)
        params = []

        with sqlite_timelimit(conn, SQL_TIME_LIMIT_MS):
            rows = conn.execute(sql, params)

        columns = [r[0] for r in rows.description]
        rows = list(rows)
        pks = pks_for_table(conn, table)
        return {
            'database': name,
            'table': table,
            'rows': rows,
            'columns': columns,
            'primary_keys': pks,
        }, {
            'database_hash': hash,
        }


app.add_route(DatabaseView.as_view(), '/<db_name:[^/\\.]+?><as_json:(.jsono?)?$>')
app.add_route(TableView.as_view(), '/<db_name:[^/]+>/<table:[^/]+?><as_json:(.jsono?)?$>')


def resolve_db_name(db_name, **kwargs):
    databases = ensure_build_metadata()
    name = db_name
    hash = None
    if '-' in db_name:
        name, hash = db_name.rsplit('-', 1)
    expected = databases[name]['hash'][:7]
    if expected != hash:
        return name, expected, '/{}-{}'.format(name, expected)
    return name, expected, None


def pks_for_table(conn, table):
    rows = [
        row for row in conn.execute(
            'PRAGMA table_info("{}")'.format(table)
        ).fetchall()
        if row[-1]
    ]
    rows.sort(key=lambda row: row[-1])
    return [str(r[1]) for r in rows]


class CustomJSONEncoder(json.JSONEncoder):
    def default(self, obj):
        if isinstance(obj, sqlite3.Row):
            return tuple(obj)
        if isinstance(obj, sqlite3.Cursor):
            return list(obj)
        return json.JSONEncoder.default(self, obj)


@contextmanager
def sqlite_timelimit(conn, ms):
    deadline = time.time() + (ms / 1000)

    def handler():
        if time.time() >= deadline:
            return 1
    conn.set_progress_handler(handler, 10000)
    yield
    conn.set_progress_handler(None, 10000)
