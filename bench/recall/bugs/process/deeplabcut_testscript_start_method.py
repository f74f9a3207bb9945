"""DeepLabCut/DeepLabCut#1362: examples/testscript.py set the start method at module level
(line 24); the spawned children re-import the script and fail with "context has already been
set"."""
import multiprocessing as mp
import os

import deeplabcut

mp.set_start_method("spawn")  # BUG: CCL304

task = "TEST"
scorer = "Alex"
basepath = os.path.dirname(os.path.abspath("testscript.py"))
video = ["reachingvideo1"]
path_config_file = deeplabcut.create_new_project(task, scorer, [os.path.join(basepath, "Reaching-Mackenzie-2018-08-30", "videos", video[0] + ".avi")], copy_videos=True)
deeplabcut.extract_frames(path_config_file, mode="automatic", userfeedback=False)
deeplabcut.create_training_dataset(path_config_file)
deeplabcut.train_network(path_config_file, maxiters=5)
