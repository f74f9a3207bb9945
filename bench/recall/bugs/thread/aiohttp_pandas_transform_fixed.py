"""Fixed the idiomatic way (the issue records no fix): the data-frame work runs in a process
pool through run_in_executor, so the loop keeps answering /health."""
import asyncio
from concurrent.futures import ProcessPoolExecutor

import aiohttp
import pandas as pd
from aiohttp import web

STOCKS_URL = "https://stocks.internal/api/stocks"
SECURITIES_URL = "https://stocks.internal/api/securities"
COUNTRIES_URL = "https://reference.internal/api/countries"

process_pool = ProcessPoolExecutor(max_workers=2)


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


def join_stocks(stocks, securities):
    return pd.DataFrame(stocks).merge(pd.DataFrame(securities), on="security_id", how="left")


def join_countries(stockDF, countries):
    return stockDF.merge(pd.DataFrame(countries), on="country_code", how="left")


async def transformStock():
    stocks = await getStockData()
    securities = await getSecurityData()
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(process_pool, join_stocks, stocks, securities)


async def appendCountryInfo(stockDF):
    countries = await getCountryData()
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(process_pool, join_countries, stockDF, countries)


async def health(request: web.Request):
    return web.json_response({"status": "ok"})


async def transform(request: web.Request):
    stocksDF = await transformStock()
    finalDF = await appendCountryInfo(stocksDF)
    return web.Response(text=finalDF.to_json(), content_type="application/json")


app = web.Application()
app.router.add_get("/health", health)
app.router.add_get("/transform", transform)
