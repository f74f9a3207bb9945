"""Fixed (aio-libs/aiohttp PR #3476, for #3313): stat, open, seek and the chunk reads run in
the default executor with loop.run_in_executor. The gzip_path.is_file() probe is unchanged
(moved off the loop only by PR #8012)."""
import asyncio
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
        # To keep memory usage low,fobj is transferred in chunks
        # controlled by the constructor's chunk_size argument.

        writer = await super().prepare(request)

        chunk_size = self._chunk_size
        loop = asyncio.get_event_loop()  # ALSO: CCL404

        chunk = await loop.run_in_executor(None, fobj.read, chunk_size)
        while chunk:
            await writer.write(chunk)
            count = count - chunk_size
            if count <= 0:
                break
            chunk = await loop.run_in_executor(
                None, fobj.read, min(chunk_size, count)
            )

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

        loop = asyncio.get_event_loop()  # ALSO: CCL404
        st = await loop.run_in_executor(None, filepath.stat)

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

        with (await loop.run_in_executor(None, filepath.open, 'rb')) as fobj:
            if start:  # be aware that start could be None or int=0 here.
                await loop.run_in_executor(None, fobj.seek, start)

            return await self._sendfile(request, fobj, count)
