"""Roastero/freshroastsr700#8 (fixed by PR #11): applications built on the module slowed down
massively "due to the GIL" because of its threads. The cause, found in the issue's discussion:
the timer thread's loop only sleeps while roasting or cooling; in every other state it spins
without sleeping, and PR #11 found that tight loop took so much of the interpreter that
Openroast's UI answered a click in about a second. The loop follows the later version of the
module; the threads are those the issue describes, before the module moved them to processes."""
import threading
import time

import serial


class freshroastsr700(object):
    def __init__(self, update_data_func=None, state_transition_func=None):
        self.update_data_func = update_data_func
        self.state_transition_func = state_transition_func
        self._current_state = b'\x02\x01'
        self._time_remaining = 0
        self._total_time = 0
        self._teardown = False

        self.comm_thread = threading.Thread(target=self.comm)
        self.comm_thread.daemon = True
        self.time_thread = threading.Thread(target=self.timer)  # BUG: CCL201
        self.time_thread.daemon = True

    def connect(self):
        self._ser = serial.Serial(port=self.find_port(), baudrate=9600, bytesize=8, parity='N', stopbits=1.5, timeout=0.25)
        self.comm_thread.start()
        self.time_thread.start()

    def find_port(self):
        return '/dev/ttyUSB0'

    def comm(self):
        while not self._teardown:
            self._ser.write(self._generate_packet())
            response = self._ser.read(14)
            if len(response) == 14 and self.update_data_func is not None:
                self.update_data_func()
            time.sleep(0.25)

    def _generate_packet(self):
        return b'\xAA\xAA\x61\x74\x63' + self._current_state + b'\x00\x00\x00\x00\x00\xAA\xFA'

    @property
    def time_remaining(self):
        return self._time_remaining

    @time_remaining.setter
    def time_remaining(self, value):
        self._time_remaining = value

    @property
    def total_time(self):
        return self._total_time

    @total_time.setter
    def total_time(self, value):
        self._total_time = value

    def timer(self):
        """Timer loop used to keep track of the time while roasting or
        cooling. If the time remaining reaches zero, the roaster will call the
        supplied state transistion function or the roaster will be set to
        the idle state."""
        while not self._teardown:
            state = self.get_roaster_state()
            if state == 'roasting' or state == 'cooling':
                time.sleep(1)
                self.total_time += 1
                if self.time_remaining > 0:
                    self.time_remaining -= 1
                else:
                    if self.state_transition_func is not None:
                        self.state_transition_func()
                    else:
                        self.idle()

    def get_roaster_state(self):
        value = self._current_state
        if value == b'\x02\x01':
            return 'idle'
        elif value == b'\x04\x04':
            return 'cooling'
        elif value == b'\x08\x01':
            return 'sleeping'
        elif value == b'\x00\x00' or value == b'':
            return 'connecting'
        elif value == b'\x04\x02':
            return 'roasting'
        else:
            return 'unknown'

    def idle(self):
        self._current_state = b'\x02\x01'

    def roast(self):
        self._current_state = b'\x04\x02'

    def cool(self):
        self._current_state = b'\x04\x04'
