"""WikiExtractor/wikiextractor#4: version 2.20 dispatched the pages of the dump to worker threads
(ExtractorThread), and extraction got no faster, rather slower; the answer in the issue: the
extractor is CPU-bound Python (regular expressions, template expansion, string building) and
the GIL lets one thread run it at a time. PR #27 moved the extraction to processes, 500 minutes
down to 80 on eight cores. Ported to Python 3 and shortened; the calls are the project's."""
import argparse
import bz2
import logging
import queue
import re
import sys
import threading

tagRE = re.compile(r'(.*?)<(/?\w+)[^>]*>(?:([^<]*)(<.*?>)?)?')
comment = re.compile(r'<!--.*?-->', re.DOTALL)
bold_italic = re.compile(r"'''''(.*?)'''''")
bold = re.compile(r"'''(.*?)'''")
italic = re.compile(r"''(.*?)''")
externalLink = re.compile(r'\[\w+[^ ]*? (.*?)]')
spaces = re.compile(r' {2,}')
dots = re.compile(r'\.{4,}')
selfClosing_tag_patterns = [
    re.compile(r'<\s*%s\b[^>]*/\s*>' % tag, re.DOTALL | re.IGNORECASE)
    for tag in ('br', 'hr', 'nobr', 'ref', 'references', 'nowiki')
]
ignored_tag_patterns = [
    (re.compile(r'<%s\b[^>/]*>' % tag, re.IGNORECASE), re.compile(r'</\s*%s>' % tag, re.IGNORECASE))
    for tag in ('b', 'big', 'blockquote', 'center', 'cite', 'div', 'em', 'font', 'i', 'p', 'span', 'sub', 'sup', 'u')
]

urlbase = ''


def get_url(id):
    return "%s?curid=%s" % (urlbase, id)


def findMatchingBraces(text, ldelim):
    """Spans of the outermost {{...}} of `text`."""
    depth = 0
    start = 0
    for i, c in enumerate(text):
        if text.startswith('{' * ldelim, i):
            if depth == 0:
                start = i
            depth += 1
        elif text.startswith('}' * ldelim, i) and depth:
            depth -= 1
            if depth == 0:
                yield start, i + ldelim


def dropNested(text, openDelim, closeDelim):
    openRE = re.compile(openDelim, re.IGNORECASE)
    closeRE = re.compile(closeDelim, re.IGNORECASE)
    spans = []
    nest = 0
    start = openRE.search(text, 0)
    if not start:
        return text
    end = closeRE.search(text, start.end())
    next = start
    while end:
        next = openRE.search(text, next.end())
        if not next:
            while nest:
                nest -= 1
                end0 = closeRE.search(text, end.end())
                if end0:
                    end = end0
                else:
                    break
            spans.append((start.start(), end.end()))
            break
        while end.end() < next.start():
            if nest:
                nest -= 1
                last = end.end()
                end = closeRE.search(text, end.end())
                if not end:
                    if spans:
                        span = (spans[0][0], last)
                    else:
                        span = (start.start(), last)
                    spans = [span]
                    break
            else:
                spans.append((start.start(), end.end()))
                start = next
                end = closeRE.search(text, next.end())
                break
        if next != start:
            nest += 1
    res = ''
    cur = 0
    for s, e in spans:
        res += text[cur:s]
        cur = e
    return res + text[cur:]


def clean(extractor, text):
    text = extractor.expandTemplates(text)
    text = bold_italic.sub(r'\1', text)
    text = bold.sub(r'\1', text)
    text = italic.sub(r'\1', text)
    text = comment.sub('', text)
    text = dropNested(text, r'{{', r'}}')
    text = dropNested(text, r'{\|', r'\|}')
    text = externalLink.sub(r'\1', text)
    for pattern in selfClosing_tag_patterns:
        text = pattern.sub('', text)
    for left, right in ignored_tag_patterns:
        text = left.sub('', text)
        text = right.sub('', text)
    text = spaces.sub(' ', text)
    text = dots.sub('...', text)
    return text


def compact(text):
    page = []
    for line in text.split('\n'):
        line = line.strip()
        if not line or line[0] in '{|!':
            continue
        page.append(line)
    return page


class Extractor(object):
    """An extraction task on an article."""

    def __init__(self, id, title, page):
        self.id = id
        self.title = title
        self.page = page
        self.frame = []

    def extract(self, out=sys.stdout):
        logging.info("%s\t%s" % (self.id, self.title))
        text = ''.join(self.page)
        url = get_url(self.id)
        header = '<doc id="%s" url="%s" title="%s">\n' % (self.id, url, self.title)
        header += self.title + '\n\n'
        text = clean(self, text)
        footer = "\n</doc>\n"
        out.write(header)
        for line in compact(text):
            out.write(line)
            out.write('\n')
        out.write(footer)

    def expandTemplates(self, wikitext):
        res = ''
        if len(self.frame) >= 30:
            return res
        cur = 0
        for s, e in findMatchingBraces(wikitext, 2):
            res += wikitext[cur:s] + self.expandTemplate(wikitext[s + 2:e - 2])
            cur = e
        res += wikitext[cur:]
        return res

    def expandTemplate(self, body):
        parts = body.split('|')
        self.frame.append(parts[0].strip())
        params = {}
        unnamed = 0
        for param in parts[1:]:
            m = re.match(' *([^= ]*?) *=(.*)', param, re.DOTALL)
            if m:
                params[m.group(1).strip()] = m.group(2).strip()
            else:
                unnamed += 1
                params[str(unnamed)] = param.strip()
        value = ' '.join(params.values())
        self.frame.pop()
        return self.expandTemplates(value)


class OutputSplitter(object):
    """Writes the extracted documents to files of at most `max_file_size` bytes."""

    def __init__(self, path_name, max_file_size=0, compress=True):
        self.path_name = path_name
        self.max_file_size = max_file_size
        self.compress = compress
        self.file = self.open(path_name)

    def write(self, data):
        self.file.write(data.encode('utf-8'))

    def open(self, filename):
        if self.compress:
            return bz2.BZ2File(filename + '.bz2', 'w')
        return open(filename, 'wb')


# ----------------------------------------------------------------------
# Multithread version

class ExtractorThread(threading.Thread):
    """Extractor thread."""

    def __init__(self, queue, splitter):
        self._queue = queue
        self._splitter = splitter
        threading.Thread.__init__(self)
        self.daemon = True  # let the process die when main thread is killed
        self.start()

    def run(self):  # BUG: CCL203
        while True:
            job = self._queue.get()
            if job:
                job.extract(self._splitter)
                self._queue.task_done()
            else:
                break


def process_dump(input_file, out_file, file_size, file_compress, threads):
    input = bz2.BZ2File(input_file) if input_file.lower().endswith("bz2") else open(input_file, 'rb')
    jobs = queue.Queue(maxsize=2 * threads)
    output_splitter = OutputSplitter(out_file, file_size, file_compress)
    workers = []
    for _ in range(max(1, threads - 1)):  # keep one for master
        workers.append(ExtractorThread(jobs, output_splitter))

    page = []
    id = None
    title = None
    inText = False
    for line in input:
        line = line.decode('utf-8')
        if '<' not in line:
            if inText:
                page.append(line)
            continue
        m = tagRE.search(line)
        if not m:
            continue
        tag = m.group(2)
        if tag == 'page':
            page = []
        elif tag == 'id' and not id:
            id = m.group(3)
        elif tag == 'title':
            title = m.group(3)
        elif tag == 'text':
            inText = True
            page.append(line[m.start(3):m.end(3)])
            if m.lastindex == 4:
                inText = False
        elif tag == '/text':
            if m.group(1):
                page.append(m.group(1))
            inText = False
        elif inText:
            page.append(line)
        elif tag == '/page':
            jobs.put(Extractor(id, title, page), True)  # block if full
            id = None
            page = []
    jobs.join()
    input.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("-o", "--output", default="text")
    parser.add_argument("-c", "--compress", action="store_true")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    process_dump(args.input, args.output, 1024 * 1024, args.compress, args.threads)


if __name__ == '__main__':
    main()
