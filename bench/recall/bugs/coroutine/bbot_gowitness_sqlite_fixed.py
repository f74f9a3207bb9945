"""Fixed (blacklanternsecurity/bbot PR #1901, for #1884): the three readers are coroutines using
aiosqlite, awaited by handle_batch (as in the stored module after the PR). The is_file() probe
of each reader stayed on the loop: marked ALSO."""
import asyncio
import aiosqlite
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
        new_screenshots = await self.get_new_screenshots()
        for filename, screenshot in new_screenshots.items():
            url = screenshot["url"]
            final_url = screenshot["final_url"]
            filename = self.screenshot_path / screenshot["filename"]
            webscreenshot_data = {"path": str(filename), "url": final_url}
            parent_event = event_dict[url]
            await self.emit_event(webscreenshot_data, "WEBSCREENSHOT", parent=parent_event)

        # emit URLs
        new_network_logs = await self.get_new_network_logs()
        for url, row in new_network_logs.items():
            _id = row["url_id"]
            parent_url = self.screenshots_taken[_id]
            parent_event = event_dict[parent_url]
            if url and url.startswith("http"):
                await self.emit_event(url, "URL_UNVERIFIED", parent=parent_event, tags=[f"status-{row['status_code']}"])

        # emit technologies
        new_technologies = await self.get_new_technologies()
        for row in new_technologies.values():
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

    async def get_new_screenshots(self):
        screenshots = {}
        if self.db_path.is_file():  # ALSO: CCL104
            async with aiosqlite.connect(str(self.db_path)) as con:
                con.row_factory = aiosqlite.Row
                con.text_factory = self.helpers.smart_decode
                async with con.execute("SELECT * FROM urls") as cur:
                    async for row in cur:
                        row = dict(row)
                        _id = row["id"]
                        if _id not in self.screenshots_taken:
                            self.screenshots_taken[_id] = row["url"]
                            screenshots[_id] = row
        return screenshots

    async def get_new_network_logs(self):
        network_logs = {}
        if self.db_path.is_file():  # ALSO: CCL104
            async with aiosqlite.connect(str(self.db_path)) as con:
                con.row_factory = aiosqlite.Row
                async with con.execute("SELECT * FROM network_logs") as cur:
                    async for row in cur:
                        row = dict(row)
                        url = row["final_url"]
                        if url not in self.connections_logged:
                            self.connections_logged.add(url)
                            network_logs[url] = row
        return network_logs

    async def get_new_technologies(self):
        technologies = {}
        if self.db_path.is_file():  # ALSO: CCL104
            async with aiosqlite.connect(str(self.db_path)) as con:
                con.row_factory = aiosqlite.Row
                async with con.execute("SELECT * FROM technologies") as cur:
                    async for row in cur:
                        _id = row["id"]
                        if _id not in self.technologies_found:
                            self.technologies_found.add(_id)
                            row = dict(row)
                            technologies[_id] = row
        return technologies

    async def cur_execute(self, cur, query):
        try:
            return await cur.execute(query)
        except aiosqlite.OperationalError as e:
            self.warning(f"Error executing query: {query}: {e}")
            return []
