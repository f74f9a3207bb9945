"""aio-libs/aiohttp#3454: a /transform endpoint awaits several upstream services and then runs
pandas data-frame building and joins in its coroutines; that CPU-bound work kept the event loop
busy, the /health endpoint (polled every 3 s with a 3 s timeout) failed three times in a row, and
the orchestrator restarted the container. The coroutines follow the issue's sample code."""
import aiohttp
import pandas as pd
from aiohttp import web

STOCKS_URL = "https://stocks.internal/api/stocks"
SECURITIES_URL = "https://stocks.internal/api/securities"
COUNTRIES_URL = "https://reference.internal/api/countries"


async def fetch_json(url):
    async with aiohttp.ClientSession() as session:
        async with session.get(url) as response:
            return await response.json()


async def getStockData():
    return await fetch_json(STOCKS_URL)


async def getSecurityData():
    return await fetch_json(SECURITIES_URL)


async def getCountryData():
    return await fetch_json(COUNTRIES_URL)


async def transformStock():
    stocks = await getStockData()
    securities = await getSecurityData()
    stockDF = pd.DataFrame(stocks).merge(pd.DataFrame(securities), on="security_id", how="left")  # BUG: CCL202
    return stockDF


async def appendCountryInfo(stockDF):
    countries = await getCountryData()
    countryDF = stockDF.merge(pd.DataFrame(countries), on="country_code", how="left")  # BUG: CCL202
    return countryDF


async def health(request: web.Request):
    return web.json_response({"status": "ok"})


async def transform(request: web.Request):
    stocksDF = await transformStock()
    finalDF = await appendCountryInfo(stocksDF)
    return web.Response(text=finalDF.to_json(), content_type="application/json")


app = web.Application()
app.router.add_get("/health", health)
app.router.add_get("/transform", transform)
