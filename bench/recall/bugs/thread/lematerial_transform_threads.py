"""LeMaterial/lematerial-fetcher#17: the transform step (and the MP and Alexandria fetchers) ran
its workers on threads; @inelgnu pointed out that more workers did not improve performance, "the
threads spent most of their time waiting for the GIL to be released", and the PR moved the
transform to processes. Each worker pages raw structures out of Postgres, turns each one into
OPTIMADE rows with pymatgen (Python object building per site and per species), and inserts them.
The thread version is reconstructed from the process version the PR introduced."""
import sys
from concurrent.futures import ThreadPoolExecutor

from pymatgen.core import Structure
from tqdm import tqdm

from lematerial_fetcher.database.postgres import OptimadeDatabase, StructuresDatabase
from lematerial_fetcher.utils.logging import logger


def transform_row(raw_structure):
    structure = Structure.from_dict(raw_structure.attributes["structure"])
    composition = structure.composition
    species = sorted({site.specie.symbol for site in structure.sites})
    return [
        {
            "id": raw_structure.id,
            "elements": species,
            "nelements": len(species),
            "chemical_formula_reduced": composition.reduced_formula,
            "chemical_formula_anonymous": composition.anonymized_formula,
            "cartesian_site_positions": [list(site.coords) for site in structure.sites],
            "species_at_sites": [site.specie.symbol for site in structure.sites],
            "lattice_vectors": structure.lattice.matrix.tolist(),
            "nsites": len(structure.sites),
        }
    ]


def process_batch(worker_id, offset, limit, config):
    source_db = StructuresDatabase(config.source_db_conn_str, config.source_table_name)
    target_db = OptimadeDatabase(config.dest_db_conn_str, config.dest_table_name)
    try:
        for raw_structure in tqdm(
            source_db.fetch_items_iter(offset=offset, limit=limit, batch_size=config.batch_size),
            total=limit,
            position=worker_id,
            file=sys.stdout,
        ):
            try:
                structures = transform_row(raw_structure)
                target_db.batch_insert_data(structures)
            except Exception as e:
                logger.warning(f"Error processing {raw_structure.id} row: {str(e)}")
    finally:
        source_db.close()
        target_db.close()


def process_rows(config):
    source_db = StructuresDatabase(config.source_db_conn_str, config.source_table_name)
    total_rows = source_db.count_items()
    source_db.close()

    offset = config.page_offset
    rows_per_worker = (total_rows - offset) // config.num_workers
    with ThreadPoolExecutor(max_workers=config.num_workers) as executor:
        futures = []
        for i in range(config.num_workers):
            start_offset = offset + rows_per_worker * i
            end_offset = offset + rows_per_worker * (i + 1) if i < config.num_workers - 1 else total_rows
            futures.append(executor.submit(process_batch, i, start_offset, end_offset - start_offset, config))  # BUG: CCL201
        for future in futures:
            future.result()
