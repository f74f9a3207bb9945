from lxml import etree as ET_impl
from lxml.etree import XMLSyntaxError
from mcp.server.fastmcp import Context, FastMCP

LXML_AVAILABLE = True
