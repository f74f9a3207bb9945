"""aio-libs/aiohttp#3313 (fix PR #3476, "FileResponse works with files asynchronously"): "the
library uses blocking synchronous calls to work with files. It should be fixed by replacement
such direct calls by loop.run_in_executor()" (asvetlov). FileResponse.prepare, the coroutine
that serves every static file, stat()s and opens the file and seeks in it on the event loop,
and _sendfile_fallback reads each chunk with fobj.read on the loop. PR #3476 moved stat, open,
seek and the reads to the default executor. The gzip_path.is_file() probe stayed on the loop
until PR #8012 (2024), so it is marked ALSO in both versions.

From aiohttp/web_fileresponse.py of aiohttp 3.4/3.5, shortened: the os.sendfile path
(_sendfile_system, SendfileStreamWriter), the If-Unmodified-Since check and part of the Range
handling are left out, and the package's relative imports are written absolute."""
import mimetypes
import os
import pathlib

from aiohttp import hdrs
from aiohttp.web_exceptions import (HTTPNotModified, HTTPOk, HTTPPartialContent,
                                     HTTPRequestRangeNotSatisfiable)
from aiohttp.web_response import StreamResponse


NOSENDFILE = bool(os.environ.get("AIOHTTP_NOSENDFILE"))


class FileResponse(StreamResponse):
    """A response object can be used to send files."""

    def __init__(self, path, chunk_size=256*1024, *args, **kwargs):
        super().__init__(*args, **kwargs)

        if isinstance(path, str):
            path = pathlib.Path(path)

        self._path = path
        self._chunk_size = chunk_size

    async def _sendfile_fallback(self, request, fobj, count):
        # To avoid blocking the event loop & to keep memory usage low,
        # fobj is transferred in chunks controlled by the
        # constructor's chunk_size argument.

        writer = await super().prepare(request)

        chunk_size = self._chunk_size

        chunk = fobj.read(chunk_size)  # BUG: CCL104
        while True:
            await writer.write(chunk)
            count = count - chunk_size
            if count <= 0:
                break
            chunk = fobj.read(min(chunk_size, count))  # BUG: CCL104

        await writer.drain()
        return writer

    _sendfile = _sendfile_fallback

    async def prepare(self, request):
        filepath = self._path

        gzip = False
        if 'gzip' in request.headers.get(hdrs.ACCEPT_ENCODING, ''):
            gzip_path = filepath.with_name(filepath.name + '.gz')

            if gzip_path.is_file():  # ALSO: CCL104
                filepath = gzip_path
                gzip = True

        st = filepath.stat()  # BUG: CCL104

        modsince = request.if_modified_since
        if modsince is not None and st.st_mtime <= modsince.timestamp():
            self.set_status(HTTPNotModified.status_code)
            self._length_check = False
            return await super().prepare(request)

        if hdrs.CONTENT_TYPE not in self.headers:
            ct, encoding = mimetypes.guess_type(str(filepath))
            if not ct:
                ct = 'application/octet-stream'
            should_set_ct = True
        else:
            encoding = 'gzip' if gzip else None
            should_set_ct = False

        status = HTTPOk.status_code
        file_size = st.st_size
        count = file_size

        start = None

        ifrange = request.if_range
        if ifrange is None or st.st_mtime <= ifrange.timestamp():
            try:
                rng = request.http_range
                start = rng.start
                end = rng.stop
            except ValueError:
                self.headers[hdrs.CONTENT_RANGE] = 'bytes */{0}'.format(
                    file_size)
                self.set_status(HTTPRequestRangeNotSatisfiable.status_code)
                return await super().prepare(request)

            # If a range request has been made, convert start, end slice
            # notation into file pointer offset and count
            if start is not None or end is not None:
                if start < 0 and end is None:  # return tail of file
                    start += file_size
                    if start < 0:
                        start = 0
                    count = file_size - start
                else:
                    count = min(end if end is not None else file_size,
                                file_size) - start

                status = HTTPPartialContent.status_code

        self.set_status(status)
        if should_set_ct:
            self.content_type = ct
        if encoding:
            self.headers[hdrs.CONTENT_ENCODING] = encoding
        if gzip:
            self.headers[hdrs.VARY] = hdrs.ACCEPT_ENCODING
        self.last_modified = st.st_mtime
        self.content_length = count

        self.headers[hdrs.ACCEPT_RANGES] = 'bytes'

        if status == HTTPPartialContent.status_code:
            self.headers[hdrs.CONTENT_RANGE] = 'bytes {0}-{1}/{2}'.format(
                start, start + count - 1, file_size)

        with filepath.open('rb') as fobj:  # BUG: CCL104
            if start:  # be aware that start could be None or int=0 here.
                fobj.seek(start)  # BUG: CCL104

            return await self._sendfile(request, fobj, count)
