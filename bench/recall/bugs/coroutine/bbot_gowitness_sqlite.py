"""blacklanternsecurity/bbot#1884 ("Gowitness sqlite query blocking event loop", a maintainer's
high-priority bug; fix PR #1901 "Asyncify Gowitness sqlite"). After each gowitness run the
module's coroutine handle_batch read gowitness's SQLite database through three properties,
new_screenshots, new_network_logs and new_technologies, each opening it with sqlite3.connect
and running SELECT * over a whole table on the event loop. The fix turned them into coroutines
get_new_screenshots() etc. that use aiosqlite.

Basis: the properties are bbot's (the 1.x module, where handle_batch was still synchronous);
handle_batch is the 2.x coroutine of the stored post-fix module, shortened (event contexts,
the SOCIAL handling and most of the command line left out). The pre-fix 2.x file, which imports sqlite3, is in the
index but could not be opened by path, so its handle_batch is reconstructed from the two."""
import asyncio
import sqlite3
from pathlib import Path

from bbot.modules.base import BaseModule


class gowitness(BaseModule):
    watched_events = ["URL", "SOCIAL"]
    produced_events = ["WEBSCREENSHOT", "URL", "URL_UNVERIFIED", "TECHNOLOGY"]

    async def setup(self):
        self.base_path = self.scan.home / "gowitness"
        self.db_path = self.base_path / "gowitness.sqlite3"
        self.screenshot_path = self.base_path / "screenshots"
        self.command = self.construct_command()
        self.screenshots_taken = {}
        self.connections_logged = set()
        self.technologies_found = set()
        return True

    async def handle_batch(self, *events):
        event_dict = {e.data: e for e in events}
        stdin = "\n".join(list(event_dict))

        try:
            async for line in self.run_process_live(self.command, input=stdin, idle_timeout=self.idle_timeout):
                self.debug(line)
        except asyncio.exceptions.TimeoutError:
            self.warning("Gowitness timed out", trace=False)
            return

        # emit web screenshots
        for filename, screenshot in self.new_screenshots.items():  # BUG: CCL106
            url = screenshot["url"]
            final_url = screenshot["final_url"]
            filename = self.screenshot_path / screenshot["filename"]
            webscreenshot_data = {"path": str(filename), "url": final_url}
            parent_event = event_dict[url]
            await self.emit_event(webscreenshot_data, "WEBSCREENSHOT", parent=parent_event)

        # emit URLs
        for url, row in self.new_network_logs.items():  # BUG: CCL106
            _id = row["url_id"]
            parent_url = self.screenshots_taken[_id]
            parent_event = event_dict[parent_url]
            if url and url.startswith("http"):
                await self.emit_event(url, "URL_UNVERIFIED", parent=parent_event, tags=[f"status-{row['status_code']}"])

        # emit technologies
        for row in self.new_technologies.values():  # BUG: CCL106
            parent_url = self.screenshots_taken[row["url_id"]]
            parent_event = event_dict[parent_url]
            tech_data = {"technology": row["value"], "url": parent_url, "host": str(parent_event.host)}
            await self.emit_event(tech_data, "TECHNOLOGY", parent=parent_event)

    def construct_command(self):
        command = ["gowitness"]
        command += ["--db-path", str(self.db_path)]
        command += ["--screenshot-path", str(self.screenshot_path)]
        command += ["file", "-f", "-"]
        return command

    @property
    def new_screenshots(self):
        screenshots = {}
        if self.db_path.is_file():
            with sqlite3.connect(str(self.db_path)) as con:
                con.row_factory = sqlite3.Row
                cur = con.cursor()
                res = self.cur_execute(cur, "SELECT * FROM urls")
                for row in res:
                    row = dict(row)
                    _id = row["id"]
                    if _id not in self.screenshots_taken:
                        self.screenshots_taken[_id] = row["url"]
                        screenshots[_id] = row
        return screenshots

    @property
    def new_network_logs(self):
        network_logs = dict()
        if self.db_path.is_file():
            with sqlite3.connect(str(self.db_path)) as con:
                con.row_factory = sqlite3.Row
                cur = con.cursor()
                res = self.cur_execute(cur, "SELECT * FROM network_logs")
                for row in res:
                    row = dict(row)
                    url = row["final_url"]
                    if url not in self.connections_logged:
                        self.connections_logged.add(url)
                        network_logs[url] = row
        return network_logs

    @property
    def new_technologies(self):
        technologies = dict()
        if self.db_path.is_file():
            with sqlite3.connect(str(self.db_path)) as con:
                con.row_factory = sqlite3.Row
                cur = con.cursor()
                res = self.cur_execute(cur, "SELECT * FROM technologies")
                for row in res:
                    _id = row["id"]
                    if _id not in self.technologies_found:
                        self.technologies_found.add(_id)
                        row = dict(row)
                        technologies[_id] = row
        return technologies

    def cur_execute(self, cur, query):
        try:
            return cur.execute(query)
        except sqlite3.OperationalError as e:
            self.warning(f"Error executing query: {query}: {e}")
            return []
